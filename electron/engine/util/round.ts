/** `x` to `digits` decimal places, as stored summaries and reports show it (Math.round: halves go up). */
export const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
