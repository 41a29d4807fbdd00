/**
 * Editing a built playlist on Explore before Save / M3U8 (review R6.6): a track moved one place up
 * or down, or dropped. A new array each time (the screen's list is a raw state).
 */
export function moveItem<T>(list: readonly T[], i: number, by: -1 | 1 | null): T[] {
  const out = [...list];
  if (i < 0 || i >= out.length) return out;
  if (by === null) {
    out.splice(i, 1);
    return out;
  }
  const j = i + by;
  if (j < 0 || j >= out.length) return out;
  [out[i], out[j]] = [out[j], out[i]];
  return out;
}
