/** What the Train screen reads from retrieval reports. */
export const RETRIEVAL_METRICS = ['recall1', 'recall5', 'recall10', 'medianRank', 'mapAtR'] as const;

/** The video→music numbers of a retrieval report (a model's `metrics.test` or a training result's `test`). */
export function videoToMusic(report: unknown): Partial<Record<(typeof RETRIEVAL_METRICS)[number], number>> {
  const v2m = (report as { videoToMusic?: Record<string, unknown> } | null)?.videoToMusic;
  if (!v2m || typeof v2m !== 'object') return {};
  const out: Partial<Record<(typeof RETRIEVAL_METRICS)[number], number>> = {};
  for (const k of RETRIEVAL_METRICS) if (typeof v2m[k] === 'number') out[k] = v2m[k] as number;
  return out;
}
