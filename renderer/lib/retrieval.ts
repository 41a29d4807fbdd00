/**
 * The metric-learning losses the trainer knows (electron/engine/metric/losses/registry.ts), in its
 * order. Hard-coded until the contract has an operation listing them with their defaults; the
 * engine refuses an unknown name with a readable error, so a stale entry cannot train silently.
 */
export interface LossOption {
  name: string;
  family: 'pair' | 'proxy' | 'unified';
}

export const LOSSES: readonly LossOption[] = [
  { name: 'contrastive', family: 'pair' },
  { name: 'triplet-margin', family: 'pair' },
  { name: 'generalized-lifted-structure', family: 'pair' },
  { name: 'n-pairs', family: 'pair' },
  { name: 'multi-similarity', family: 'pair' },
  { name: 'infonce', family: 'pair' },
  { name: 'supcon', family: 'pair' },
  { name: 'l2-softmax', family: 'proxy' },
  { name: 'large-margin-softmax', family: 'proxy' },
  { name: 'sphereface', family: 'proxy' },
  { name: 'normface', family: 'proxy' },
  { name: 'cosface', family: 'proxy' },
  { name: 'arcface', family: 'proxy' },
  { name: 'proxy-anchor', family: 'proxy' },
  { name: 'circle', family: 'unified' },
];

export const RETRIEVAL_METRICS = ['recall1', 'recall5', 'recall10', 'medianRank', 'mapAtR'] as const;

/** The video→music numbers of a retrieval report (a model's `metrics.test` or a training result's `test`). */
export function videoToMusic(report: unknown): Partial<Record<(typeof RETRIEVAL_METRICS)[number], number>> {
  const v2m = (report as { videoToMusic?: Record<string, unknown> } | null)?.videoToMusic;
  if (!v2m || typeof v2m !== 'object') return {};
  const out: Partial<Record<(typeof RETRIEVAL_METRICS)[number], number>> = {};
  for (const k of RETRIEVAL_METRICS) if (typeof v2m[k] === 'number') out[k] = v2m[k] as number;
  return out;
}
