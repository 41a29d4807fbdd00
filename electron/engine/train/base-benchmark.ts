/**
 * The base benchmark a fine-tuning run is measured on besides the user's held-out data: a small
 * fixed synthetic corpus (seeded, every style and timbre, 24 pairs) whose answers are known. It
 * shows what a fine-tuned version forgot of the general picture ↔ music mapping the base model
 * learnt. Rendered once into the data folder and reused (generateCorpus resumes and refuses a
 * folder holding another corpus; descriptors are cached beside it).
 */
import { generateCorpus } from '../corpus/generate';
import { loadTrainingData, type PairSample } from './dataset';

export const BASE_BENCHMARK = { seed: 2718, pairs: 24, clipSeconds: 10, trackSeconds: 12 } as const;

export interface BaseBenchmarkProgress {
  phase: 'render' | 'features';
  done: number;
  total: number;
}

/** Every pair of the benchmark corpus in `dir` (rendered on first use), cut to the model's windows. */
export async function baseBenchmarkPairs(
  dir: string,
  shape: { window: number; hop: number },
  opts: { signal?: AbortSignal; onProgress?: (p: BaseBenchmarkProgress) => void } = {},
): Promise<PairSample[]> {
  await generateCorpus({
    outDir: dir,
    ...BASE_BENCHMARK,
    holdOut: false,
    jobs: 1,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (p) => opts.onProgress?.({ phase: 'render', done: p.done, total: p.total }),
  });
  const data = await loadTrainingData(dir, {
    ...shape,
    jobs: 1,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (p) => opts.onProgress?.({ phase: 'features', done: p.done, total: p.total }),
  });
  return data.pairs;
}
