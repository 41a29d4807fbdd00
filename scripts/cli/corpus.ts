/**
 * `needledrop corpus --out DIR --pairs N --seed S [--jobs J]`: render the synthetic paired corpus
 * (video clips + music tracks from known latents) and its manifest.json. Rerunning resumes.
 * By default one video style and one timbre appear only in the test split; --no-hold-out spreads
 * every style and timbre over all splits (how the shipped model's training corpus is made).
 */
import { generateCorpus } from '../../electron/engine/corpus/generate';
import type { CorpusProgress } from '../../electron/engine/corpus/types';
import { usageError } from '../../electron/engine/errors';
import { num, parse, printJson } from './args';

export const usage =
  'needledrop corpus --out DIR --pairs N --seed S [--jobs J] [--clip-seconds 10] [--track-seconds 30] [--no-hold-out] [--json]';

function line(p: CorpusProgress): string {
  const eta = p.etaSeconds === undefined ? '?' : `${Math.ceil(p.etaSeconds)} s`;
  const skipped = p.skipped ? `, ${p.skipped} already on disk` : '';
  return `corpus: ${p.done}/${p.total} pairs${skipped}, ${p.rate.toFixed(2)} pairs/s, ETA ${eta}`;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    out: { type: 'string' },
    pairs: { type: 'string' },
    seed: { type: 'string' },
    jobs: { type: 'string' },
    'clip-seconds': { type: 'string' },
    'track-seconds': { type: 'string' },
    'no-hold-out': { type: 'boolean' },
    json: { type: 'boolean' },
  }, false);
  if (!values.out) throw usageError('--out DIR is required');
  const pairs = num(values.pairs, 'pairs', { min: 1, int: true });
  const seed = num(values.seed, 'seed', { min: 0, int: true });
  if (pairs === undefined || seed === undefined) throw usageError('--pairs and --seed are required');

  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  const tty = process.stderr.isTTY;
  let last = 0;
  const started = performance.now();
  try {
    const manifest = await generateCorpus({
      outDir: values.out,
      pairs,
      seed,
      jobs: num(values.jobs, 'jobs', { min: 1, int: true }) ?? 2,
      clipSeconds: num(values['clip-seconds'], 'clip-seconds', { min: 0.5 }),
      trackSeconds: num(values['track-seconds'], 'track-seconds', { min: 0.5 }),
      holdOut: !values['no-hold-out'],
      signal: abort.signal,
      onProgress: (p) => {
        // A live line on a terminal; in logs, one line every 2 s and the last one.
        const now = performance.now();
        if (tty) process.stderr.write(`\r${line(p)}   `);
        else if (now - last > 2000 || p.done === p.total) process.stderr.write(line(p) + '\n');
        last = now;
      },
    });
    const seconds = (performance.now() - started) / 1000;
    if (tty) process.stderr.write('\n');
    process.stderr.write(`corpus: ${manifest.pairs.length} pairs in ${values.out} (${seconds.toFixed(1)} s)\n`);
    if (values.json) printJson({ outDir: values.out, pairs: manifest.pairs.length, seed: manifest.seed, heldOut: manifest.heldOut, seconds });
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
