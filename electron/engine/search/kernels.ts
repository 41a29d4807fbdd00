/**
 * Hot loops over row-major Float32Arrays. No allocation inside: callers pass scratch buffers.
 */

/**
 * out[i·rows + r] = dot(clip row i, data row first + r) for i < m, r < rows.
 * Four clip rows are scored against each store row at once so every loaded store value is
 * used four times (register blocking); this is what makes it ~2–3× a plain dot loop in V8.
 */
export function dotBlock(
  clip: Float32Array,
  m: number,
  data: Float32Array,
  first: number,
  rows: number,
  d: number,
  out: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const tb = (first + r) * d;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = i * d;
      const c1 = c0 + d;
      const c2 = c1 + d;
      const c3 = c2 + d;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let x = 0; x < d; x++) {
        const t = data[tb + x];
        a0 += clip[c0 + x] * t;
        a1 += clip[c1 + x] * t;
        a2 += clip[c2 + x] * t;
        a3 += clip[c3 + x] * t;
      }
      out[i * rows + r] = a0;
      out[(i + 1) * rows + r] = a1;
      out[(i + 2) * rows + r] = a2;
      out[(i + 3) * rows + r] = a3;
    }
    for (; i < m; i++) {
      const c0 = i * d;
      let a0 = 0;
      for (let x = 0; x < d; x++) a0 += clip[c0 + x] * data[tb + x];
      out[i * rows + r] = a0;
    }
  }
}

/** Dot product of two rows of (possibly different) row-major arrays. */
export function dotRows(a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number {
  const ab = ai * d;
  const bb = bi * d;
  let s = 0;
  for (let x = 0; x < d; x++) s += a[ab + x] * b[bb + x];
  return s;
}

/**
 * Indices of the k largest scores, best first (ties: lower index first). A size-k min-heap,
 * so O(n log k) and only k numbers of extra memory. `skip(i)` leaves an index out.
 */
export function topK(scores: ArrayLike<number>, k: number, skip?: (i: number) => boolean): number[] {
  const heap: number[] = [];
  // Min-heap on (score, -index): the root is the weakest kept entry.
  const weaker = (a: number, b: number): boolean =>
    scores[a] < scores[b] || (scores[a] === scores[b] && a > b);
  const siftDown = (start: number): void => {
    let p = start;
    for (;;) {
      const l = 2 * p + 1;
      const r = l + 1;
      let w = p;
      if (l < heap.length && weaker(heap[l], heap[w])) w = l;
      if (r < heap.length && weaker(heap[r], heap[w])) w = r;
      if (w === p) return;
      [heap[p], heap[w]] = [heap[w], heap[p]];
      p = w;
    }
  };
  if (k <= 0) return [];
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i]) || (skip && skip(i))) continue;
    if (heap.length < k) {
      heap.push(i);
      let c = heap.length - 1;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!weaker(heap[c], heap[p])) break;
        [heap[p], heap[c]] = [heap[c], heap[p]];
        c = p;
      }
    } else if (weaker(heap[0], i)) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (weaker(a, b) ? 1 : weaker(b, a) ? -1 : 0));
}
