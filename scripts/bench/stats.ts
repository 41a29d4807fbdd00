/** Summary statistics the benchmark tables print. */

/** Sample mean and standard deviation (n − 1); sd is 0 for a single value. */
export function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

/** The median (the mean of the two middle values for an even count) and the range of `xs`. */
export function medianRange(xs: readonly number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1] };
}

/** The median of `xs` (the mean of the two middle values for an even count). */
export const median = (xs: readonly number[]): number => medianRange(xs).median;

/** Wall-clock seconds `fn` takes. */
export async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}
