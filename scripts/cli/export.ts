/**
 * `needledrop export CLIP TRACK --offset S [--start S] --out OUT [--fade S] [--loudness LUFS] [--force] [--json]`:
 * the clip with the track (from the offset) as its soundtrack, faded and loudness-normalised; with
 * --start the track is at the offset at that clip time (`match --start` gives offsets that way). With
 * --end too, --start and --end are the In and Out points: the track is heard only between them,
 * faded at both, silence before and after (review R2.13). With --fit they are the In and Out points
 * of the remix, which lasts from one to the other and is placed there (review R35).
 */
import { exportSilence } from '../../electron/contract/wording';
import { bounds, num, parse, printJson } from './args';
import { openEngine, runCliJob } from './engine';
import { usageError } from './errors';
import { describeFit } from './fit';
import { readPlanFile, trackRef } from './options';

export const usage = 'needledrop export CLIP TRACK --out OUT [--offset S [--start S [--end S]]] [--fade S] [--loudness LUFS] [--fit [--hits] [--start S] [--end S] | --plan PLAN.json] [--force] [--json]';
export const example = 'needledrop export clip.mp4 ~/Music/x.flac --offset 12.5 --out clip-scored.mp4';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    offset: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    out: { type: 'string' },
    fade: { type: 'string' },
    loudness: { type: 'string' },
    force: { type: 'boolean' },
    fit: { type: 'boolean' },
    hits: { type: 'boolean' },
    plan: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.hits && !values.fit) throw usageError('--hits only applies with --fit');
  if (values.plan !== undefined && values.hits) throw usageError('--plan renders the plan as it is: --hits does not apply');
  if ((values.fit || values.plan !== undefined) && values.fade !== undefined) throw usageError('--fit ends on the track\'s own ending: --fade does not apply');
  if (positionals.length !== 2) throw usageError('expected a CLIP and a TRACK');
  if (!values.out) throw usageError('--out OUT is required');
  const [clip, track] = positionals;
  const offset = num(values.offset, 'offset', bounds('export', 'offset', 's'));
  const start = num(values.start, 'start', bounds('export', 'start', 's'));
  const end = num(values.end, 'end', bounds('export', 'end', 's'));
  const fade = num(values.fade, 'fade', bounds('export', 'fade', 's'));
  const loudness = num(values.loudness, 'loudness', bounds('export', 'loudness', 'LUFS'));
  const plan = values.plan !== undefined ? readPlanFile(values.plan) : undefined;
  const engine = openEngine();
  try {
    const result = await runCliJob(
      engine,
      'export',
      {
        clip,
        track: trackRef(track),
        out: values.out,
        force: values.force ?? false,
        ...(values.fit ? { fit: true, hits: values.hits ?? false } : {}),
        ...(plan ? { plan } : {}),
        ...(offset !== undefined ? { offset } : {}),
        ...(start !== undefined ? { start } : {}),
        ...(end !== undefined ? { end } : {}),
        ...(fade !== undefined ? { fade } : {}),
        ...(loudness !== undefined ? { loudness } : {}),
      },
      { quiet: true },
    );
    const video = result.videoCopied ? `${result.videoCodec} copied` : `re-encoded to ${result.videoCodec}`;
    // A plain export's --end is its Out point: past it the track is cut off, and the line says so (the app's Match does the same).
    const silence = exportSilence({ ...result, ...(end !== undefined && !values.fit && plan === undefined ? { outPoint: end } : {}) });
    process.stderr.write(
      `export: ${result.out} (${result.duration.toFixed(2)} s, video ${video}, ${result.audioCodec} at ${result.loudness.toFixed(1)} LUFS (target ${result.loudnessTarget})` +
        `${silence ? `, ${silence}` : ''})\n`,
    );
    if (result.fit) process.stderr.write(describeFit(result.fit) + '\n');
    for (const w of result.warnings ?? []) process.stderr.write(`export: warning: ${w}\n`);
    if (values.json) printJson(result);
    return 0;
  } finally {
    await engine.close();
  }
}
