/**
 * `needledrop corpus --out DIR --pairs N --seed S [--jobs J]`: render the synthetic paired corpus
 * (video clips + music tracks from known latents) and its manifest.json. Rerunning resumes.
 * By default one video style and one timbre appear only in the test split; --no-hold-out spreads
 * every style and timbre over all splits (how the shipped model's training corpus is made).
 * N is 10 or more: the fewest pairs whose splits can be trained and scored (the operation itself
 * takes fewer: `needledrop demo` matches on a smaller corpus).
 */
import { bounds, num, parse, printJson } from './args';
import { pairsToTrain, splitCounts, splitShortfall } from '../../electron/engine/service';
import { openEngine, runCliJob } from './engine';
import { usageError } from './errors';
import { formatDuration } from './format';

export const usage =
  'needledrop corpus --out DIR --pairs N (10 or more) --seed S [--jobs J] [--clip-seconds 10] [--track-seconds 30] [--no-hold-out] [--json]';
export const example = 'needledrop corpus --out .cache/corpus --pairs 64 --seed 31337 --track-seconds 20';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      out: { type: 'string' },
      pairs: { type: 'string' },
      seed: { type: 'string' },
      jobs: { type: 'string' },
      'clip-seconds': { type: 'string' },
      'track-seconds': { type: 'string' },
      'no-hold-out': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    false,
  );
  if (!values.out) throw usageError('--out DIR is required');
  const pairs = num(values.pairs, 'pairs', bounds('corpus', 'pairs'));
  const seed = num(values.seed, 'seed', { ...bounds('corpus', 'seed'), min: 0 });
  if (pairs === undefined || seed === undefined) throw usageError('--pairs and --seed are required');
  // Before minutes of rendering, not by the train that follows (review S9: --pairs 3 made a corpus train crashed on).
  const short = splitShortfall(splitCounts(pairs));
  if (short !== null) throw usageError(`--pairs ${pairs}: its splits would hold ${short}; give --pairs ${pairsToTrain()} or more`);
  const clipSeconds = num(values['clip-seconds'], 'clip-seconds', bounds('corpus', 'clipSeconds', 's'));
  const trackSeconds = num(values['track-seconds'], 'track-seconds', bounds('corpus', 'trackSeconds', 's'));
  const jobs = num(values.jobs, 'jobs', bounds('corpus', 'jobs')) ?? 2;
  const engine = openEngine();
  try {
    const r = await runCliJob(
      engine,
      'corpus',
      {
        out: values.out,
        pairs,
        seed,
        jobs,
        holdOut: !values['no-hold-out'],
        ...(clipSeconds !== undefined ? { clipSeconds } : {}),
        ...(trackSeconds !== undefined ? { trackSeconds } : {}),
      },
      { label: 'corpus', onProgress: (p) => process.stderr.isTTY && process.stderr.write(`\rcorpus: ${p.done}/${p.total} pairs, ${p.rate.toFixed(2)} pairs/s, ETA ${formatDuration(p.eta)}   `) },
    );
    if (process.stderr.isTTY) process.stderr.write('\n');
    process.stderr.write(`corpus: ${r.pairs} pairs in ${values.out} (${r.seconds.toFixed(1)} s)\n`);
    if (values.json) printJson({ outDir: values.out, pairs: r.pairs, seed, heldOut: (r as unknown as { heldOut: unknown }).heldOut, seconds: r.seconds });
    return 0;
  } finally {
    await engine.close();
  }
}
