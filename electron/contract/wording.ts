/**
 * How a match's numbers are worded, shared by both fronts (the app and the CLI) so they never
 * disagree: a calibrated confidence as a percentage and a standing as "top x %" (or "2nd of 3").
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

/**
 * Below this many ranked tracks the standing is said as a place ("2nd of 3"), not a share: each
 * place moves the share by more than 5 points there, so "top 34 %" or "top 100 %" reads as a
 * measurement where there is only an order.
 */
export const STANDING_AS_SHARE_FROM = 20;

/** 1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd". */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/**
 * A track's standing among the `of` tracks ranked for a clip (`top` = rank / of): "only track"
 * alone, "2nd of 3" in a small library, else "top x %".
 */
export function standing(fit: { top: number; of: number }): string {
  if (fit.of <= 1) return 'only track';
  if (fit.of < STANDING_AS_SHARE_FROM) return `${ordinal(Math.round(fit.top * fit.of))} of ${fit.of}`;
  return topPercent(fit.top);
}

/**
 * Recall@K of pair retrieval (one true item per query) is 1 whatever the ranking once K reaches
 * the gallery (the items each query is ranked against): on a 2-pair test split R@5 and R@10 read
 * 1.000 for chance too. Such a figure is no result. False when the gallery is not known.
 */
export function recallIsTrivial(k: number, d: { gallery?: number }): boolean {
  return d.gallery !== undefined && k >= d.gallery;
}

/** Recall@K to three places, or "n/a (gallery of N)" when the gallery makes it trivial. */
export function recallText(k: number, value: number, d: { gallery?: number }): string {
  return recallIsTrivial(k, d) ? `n/a (gallery of ${d.gallery})` : value.toFixed(3);
}
