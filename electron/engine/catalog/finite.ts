/**
 * The catalog's last line against NaN and ±Infinity: one non-finite value in a summary, a feature
 * row or an embedding turns every score it touches into NaN (a track listed at −Infinity, a seed
 * that matches nothing). Writes check here and refuse rather than store it.
 */

/** Where the first non-finite number in `value` sits (e.g. "summary.tempo.bpm", "features[812]"), or null. */
export function findNonFinite(value: unknown, at: string): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : at;
  if (value instanceof Float32Array || value instanceof Float64Array) {
    for (let i = 0; i < value.length; i++) if (!Number.isFinite(value[i])) return `${at}[${i}]`;
    return null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findNonFinite(value[i], `${at}[${i}]`);
      if (hit) return hit;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const hit = findNonFinite(v, `${at}.${k}`);
      if (hit) return hit;
    }
  }
  return null;
}

/** Throws `make(where)` when `value` holds a non-finite number. */
export function assertFinite(value: unknown, at: string, make: (where: string) => Error = (w) => new Error(`non-finite number at ${w}`)): void {
  const hit = findNonFinite(value, at);
  if (hit) throw make(hit);
}
