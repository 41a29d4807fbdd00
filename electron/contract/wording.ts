/**
 * How a match's numbers are worded, shared by both fronts (the app and the CLI) so they never
 * disagree: a calibrated confidence as a percentage and a standing as "top x %".
 */

/** A 0..1 share as a whole percentage; the ends say "<1 %" and ">99 %" rather than claim 0 or 100. */
export function percent(share: number): string {
  if (share < 0.005) return '<1 %';
  if (share > 0.995) return '>99 %';
  return `${Math.round(share * 100)} %`;
}

/** rank / n as "top x %": two significant digits below 1 % (big libraries), else whole percent. */
export function topPercent(top: number): string {
  const p = top * 100;
  return `top ${p >= 1 ? Math.round(p) : Number(p.toPrecision(2))} %`;
}
