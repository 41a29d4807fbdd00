/** `needledrop match CLIP…`: rank the library's tracks for each clip. */
import { bounds, num, parse, printJson } from './args';
import { openEngine, runCliJob } from './engine';
import { usageError } from './errors';
import { formatClipMatch } from './format';
import { providerOption } from './options';

export const usage =
  'needledrop match CLIP [CLIP…] [--start S] [--end S] [--top K] [--sections [--min-section S] [--allow-repeats] | --temp-track] ' +
  '[--db PATH] [--model V] [--provider auto|cpu|cuda|dml|coreml] [--json]';
export const example = 'needledrop match clip.mp4 --start 12 --end 40 --top 10';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    start: { type: 'string' },
    end: { type: 'string' },
    top: { type: 'string' },
    sections: { type: 'boolean', default: false },
    'min-section': { type: 'string' },
    'allow-repeats': { type: 'boolean', default: false },
    'temp-track': { type: 'boolean', default: false },
    db: { type: 'string' },
    model: { type: 'string' },
    provider: { type: 'string', default: 'auto' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length === 0) throw usageError('give at least one clip');
  if (values.sections && positionals.length > 1) throw usageError('--sections splits one video: give exactly one clip');
  if (!values.sections && (values['allow-repeats'] || values['min-section'] !== undefined)) {
    throw usageError('--allow-repeats and --min-section only apply with --sections');
  }
  if (values.sections && values['temp-track']) throw usageError('--temp-track ranks the whole clip (or its --start/--end range), not sections');
  const provider = providerOption(values.provider);
  const start = num(values.start, 'start', bounds('match', 'start', 's'));
  const end = num(values.end, 'end', bounds('match', 'end', 's'));
  const top = num(values.top, 'top', bounds('match', 'top')) ?? 10;
  const minSection = num(values['min-section'], 'min-section', bounds('match', 'minSection', 's'));

  const started = performance.now();
  const engine = openEngine({ db: values.db });
  try {
    const m = await runCliJob(
      engine,
      'match',
      {
        clips: positionals,
        top,
        provider,
        sections: values.sections,
        allowRepeats: values['allow-repeats'],
        ...(values['temp-track'] ? { tempTrack: true } : {}),
        ...(start !== undefined ? { start } : {}),
        ...(end !== undefined ? { end } : {}),
        ...(minSection !== undefined ? { minSection } : {}),
        ...(values.model ? { model: values.model } : {}),
      },
      { quiet: true },
    );
    process.stderr.write(
      `match: model ${m.model}, provider ${m.provider}; ${m.tracks} tracks, ${m.segments} segments` +
        `${m.missing ? ` (${m.missing} tracks without segments for this model: run needledrop index)` : ''}\n`,
    );
    if (!values.json) for (const c of m.clips) process.stdout.write(formatClipMatch(c, { ownMusicHint: '--temp-track' }).join('\n') + '\n\n');
    const elapsed = (performance.now() - started) / 1000;
    if (values.json) printJson({ catalog: engine.ctx.catalogPath, model: m.model, provider: m.provider, elapsedSeconds: Number(elapsed.toFixed(3)), clips: m.clips, ...(m.failed ? { failed: m.failed } : {}) });
    for (const f of m.failed ?? []) process.stderr.write(`match: skipped ${f.error}\n`);
    process.stderr.write(`match: ${m.clips.length} clip${m.clips.length === 1 ? '' : 's'} in ${elapsed.toFixed(1)} s (provider ${m.provider})${m.failed ? `; ${m.failed.length} could not be read` : ''}\n`);
    // The clips that could be read are printed; the run still says that not all could.
    return m.failed ? 1 : 0;
  } finally {
    await engine.close();
  }
}
