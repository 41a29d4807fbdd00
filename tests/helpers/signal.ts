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

/**
 * Where `probe` sits in `source`: the lag (in samples) of its best normalised cross-correlation,
 * and that correlation (1 when the probe is the source there, up to gain).
 */
export function bestMatch(source: Float32Array, probe: Float32Array): { lag: number; score: number } {
  let lag = -1;
  let score = -Infinity;
  const probeNorm = Math.sqrt(probe.reduce((s, x) => s + x * x, 0));
  for (let at = 0; at + probe.length <= source.length; at++) {
    let dot = 0;
    let energy = 0;
    for (let i = 0; i < probe.length; i++) {
      const x = source[at + i];
      dot += x * probe[i];
      energy += x * x;
    }
    const s = dot / (Math.sqrt(energy) * probeNorm + 1e-12);
    if (s > score) [lag, score] = [at, s];
  }
  return { lag, score };
}
