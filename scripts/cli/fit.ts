/**
 * `needledrop fit CLIP TRACK [--offset S] [--start S --end S] [--end-on-ending|--end-on-phrase]
 * [--hits] [--no-tempo] [--plan PLAN.json] [--out REMIX.wav] [--handoff DIR] [--force] [--json]`:
 * re-arrange the track at its beats to the clip's exact length (the Engine's `fit` operation);
 * `--plan` renders an edited plan (e.g. a `fit --json` output with moved ranges) as it is.
 */
import type { FitSummary } from '../../electron/contract/types';
import { bounds, num, parse, printJson } from './args';
import { openEngine, runCliJob } from './engine';
import { usageError } from './errors';
import { readPlanFile, trackRef } from './options';

export const usage =
  'needledrop fit CLIP TRACK [--offset S] [--start S --end S] [--end-on-ending|--end-on-phrase] [--hits] [--no-tempo] [--plan PLAN.json] [--out REMIX.wav|.flac] [--handoff DIR] [--force] [--json]';

export function describeFit(r: FitSummary): string {
  const p = r.plan;
  const lines = [
    `fit: ${r.track} → ${r.target.toFixed(3)} s (${r.grid.bpm} BPM, ${r.grid.beatsPerBar}/4, ${r.grid.hasEnding ? 'has an ending' : 'no ending of its own'})`,
    `  starts at ${p.start.toFixed(3)} s, ends on ${p.endMode === 'ending' ? "the track's ending" : 'a phrase end'}${p.tempoRatio !== 1 ? `, tempo ×${p.tempoRatio.toFixed(3)}` : ''}`,
    ...p.ranges.map((g) => `  keep ${g.sourceStart.toFixed(3)}–${g.sourceEnd.toFixed(3)} s at ${g.outputStart.toFixed(3)} s`),
    `  ${p.splices.length} splice(s)${p.splices.length ? `, worst score ${p.worstSplice.toFixed(2)}` : ''}`,
  ];
  if (r.hits) lines.push(`  cuts on downbeats (±${r.hits.toleranceSeconds * 1000} ms): ${r.hits.before} → ${r.hits.after} of ${r.hits.cuts.length}`);
  if (r.remix) lines.push(`  remix: ${r.remix.out}`);
  if (r.handoff) lines.push(`  hand-off: ${r.handoff.fcpxml}, ${r.handoff.edl}, ${r.handoff.csv}`);
  return lines.join('\n');
}

export const example = 'needledrop fit clip.mp4 ~/Music/song.flac --hits --handoff clip-edit/';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    offset: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    'end-on-ending': { type: 'boolean' },
    'end-on-phrase': { type: 'boolean' },
    hits: { type: 'boolean' },
    'no-tempo': { type: 'boolean' },
    plan: { type: 'string' },
    out: { type: 'string' },
    handoff: { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 2) throw usageError('expected a CLIP and a TRACK');
  if (values['end-on-ending'] && values['end-on-phrase']) throw usageError('--end-on-ending and --end-on-phrase exclude each other');
  const [clip, track] = positionals;
  const offset = num(values.offset, 'offset', bounds('fit', 'offset', 's'));
  const start = num(values.start, 'start', bounds('fit', 'start', 's'));
  const end = num(values.end, 'end', bounds('fit', 'end', 's'));
  const plan = values.plan !== undefined ? readPlanFile(values.plan) : undefined;
  const engine = openEngine();
  try {
    const result = await runCliJob(engine, 'fit', {
      clip,
      track: trackRef(track),
      ...(offset !== undefined ? { offset } : {}),
      ...(start !== undefined ? { start } : {}),
      ...(end !== undefined ? { end } : {}),
      ...(values['end-on-ending'] ? { endOn: 'ending' as const } : values['end-on-phrase'] ? { endOn: 'phrase' as const } : {}),
      hits: values.hits ?? false,
      allowTempo: !values['no-tempo'],
      ...(values.out ? { out: values.out } : {}),
      ...(values.handoff ? { handoff: values.handoff } : {}),
      ...(plan ? { plan } : {}),
      force: values.force ?? false,
    }, { quiet: true });
    process.stderr.write(describeFit(result) + '\n');
    if (values.json) printJson(result);
    return 0;
  } finally {
    await engine.close();
  }
}
