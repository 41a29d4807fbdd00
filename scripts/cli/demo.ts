/** `needledrop demo`: the main job end to end on generated clips (+ real recordings when present). */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { runDemo, SHARED_MUSIC, type DemoReport } from '../dev/demo';
import { num, parse, printJson } from './args';
import { usageError } from './errors';
import { resultLines } from './format';
import { providerOption } from './options';
import { interruptSignal, phaseStatus } from './status';

export const usage = 'needledrop demo [--keep DIR] [--pairs N] [--model V] [--provider auto|cpu|cuda|dml|coreml] [--music DIR | --no-real-music] [--json]';
export const example = 'needledrop demo --pairs 12';

/** The demo's table: per clip the true track's rank and the top 3 with their why, then totals. */
export function formatDemo(r: DemoReport): string[] {
  const all = r.tracks.generated + r.tracks.real;
  const lines: string[] = [];
  for (const c of r.clips) {
    lines.push(`${c.clip}  true track ${c.trueTrack}: rank ${c.trueRank} of ${all}`);
    for (const t of c.top) lines.push(...resultLines(t, { path: false, mark: basename(t.track.path) === c.trueTrack ? '   ← true track' : '' }));
  }
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  lines.push(
    '',
    `true track ranked 1st for ${pct(r.recall.at1)} of ${r.clips.length} clips, top 3 ${pct(r.recall.at3)}, top 10 ${pct(r.recall.at10)} ` +
      `(library: ${r.tracks.generated} generated tracks + ${r.tracks.real} real recordings)`,
    `model ${r.model}, provider ${r.provider}; elapsed ${r.seconds.total.toFixed(1)} s ` +
      `(generate ${r.seconds.generate.toFixed(1)} s, index ${r.seconds.index.toFixed(1)} s, match ${r.seconds.match.toFixed(1)} s)` +
      (r.kept ? `; kept in ${r.dir}` : ''),
  );
  return lines;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    keep: { type: 'string' },
    pairs: { type: 'string' },
    model: { type: 'string' },
    provider: { type: 'string', default: 'auto' },
    music: { type: 'string' },
    'no-real-music': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`);
  const provider = providerOption(values.provider);
  const pairs = num(values.pairs, 'pairs', { min: 2, int: true });
  // Real recordings: --music DIR, else the checkout's sibling shared/media/music when it is there.
  const realMusic = values['no-real-music'] ? null : (values.music ?? (existsSync(SHARED_MUSIC) ? SHARED_MUSIC : null));
  const status = phaseStatus('demo', 2000);
  const report = await runDemo({
    ...(pairs !== undefined ? { pairs } : {}),
    ...(values.keep ? { keep: values.keep } : {}),
    ...(values.model ? { model: values.model } : {}),
    provider,
    realMusic,
    signal: interruptSignal(),
    // Each phase ends on its final count, rate and time, in a pipe too (phaseStatus).
    onProgress: (phase, done, total) => status.update(phase, done, total),
  });
  status.done();
  if (values.json) printJson(report);
  else process.stdout.write(formatDemo(report).join('\n') + '\n');
  process.stderr.write(`demo: finished in ${report.seconds.total.toFixed(1)} s, provider ${report.provider}\n`);
  return 0;
}
