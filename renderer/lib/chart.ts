/** How the Train screen's charts write their numbers: at the magnitude of what they plot. */

/**
 * A chart's lowest and highest y as tick labels: enough decimals that the two differ and show
 * the span (a loss of 5e-4 must not read "0.00" to "0.00"); exponent form below 0.001.
 */
export function yTicks(lo: number, hi: number): [string, string] {
  const span = Math.abs(hi - lo);
  const big = Math.max(Math.abs(lo), Math.abs(hi));
  if (big === 0) return ['0', '0'];
  if (big < 1e-3) return [lo === 0 ? '0' : lo.toExponential(1), hi.toExponential(1)];
  // One decimal more than the span's first significant digit, 2 at least, 6 at most.
  const decimals = span > 0 ? Math.min(6, Math.max(2, Math.ceil(-Math.log10(span)) + 1)) : 2;
  return [lo.toFixed(decimals), hi.toFixed(decimals)];
}

/** A plotted value in the chart's title: three significant digits (0.000512, 0.693, 12.4). */
export function chartValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  return Math.abs(v) < 1e-3 ? v.toExponential(2) : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(3);
}
