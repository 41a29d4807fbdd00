/** Signal comparisons for tests that check rendered audio against its source. */

/**
 * The best normalised cross-correlation of a[aAt, aAt+n) with b[bAt+lag, bAt+lag+n) over lags
 * within ±maxLag samples (samples past b's ends count as silence): 1 when a is b there, up to gain.
 */
export function correlationAt(a: Float32Array, aAt: number, b: Float32Array, bAt: number, n: number, maxLag: number): number {
  let best = -1;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < n; i++) {
      const x = a[aAt + i] ?? 0;
      const y = b[bAt + lag + i] ?? 0;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    best = Math.max(best, ab / Math.sqrt(aa * bb + 1e-12));
  }
  return best;
}
