/** A number that is not NaN or ±Infinity: how stored JSON (summaries, calibrations) is read back safely. */
export const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
