// Plain-array vector helpers, kept apart from embed.ts so that ranking and the music spaces
// reach them without loading TF.js.

/** L2-normalised mean of n × d rows: one vector for a whole clip or track. */
export function meanVector(rows: Float32Array, d: number): Float32Array {
  const n = rows.length / d;
  const v = new Float32Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) v[k] += rows[i * d + k];
  let norm = 0;
  for (let k = 0; k < d; k++) norm += v[k] * v[k];
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < d; k++) v[k] /= norm;
  return v;
}

/** Stack equal-length vectors into one row-major matrix. */
export function stack(vectors: Float32Array[], d: number): Float32Array {
  const out = new Float32Array(vectors.length * d);
  vectors.forEach((v, i) => out.set(v, i * d));
  return out;
}
