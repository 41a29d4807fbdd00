import * as tf from '@tensorflow/tfjs';
import type { Encoder } from '../encoders/encoder';
import type { Segments } from '../encoders/segments';

/** Segment embeddings (n × d) of one item's windows, in TF.js, batched. */
export function embedSegmentsTf(encoder: Encoder, segs: Segments, batch = 256): Float32Array {
  const { window, D } = segs;
  const d = encoder.config.outDim;
  const out = new Float32Array(segs.n * d);
  for (let s = 0; s < segs.n; s += batch) {
    const n = Math.min(batch, segs.n - s);
    const slice = segs.data.subarray(s * window * D, (s + n) * window * D);
    const emb = tf.tidy(() => encoder.apply(tf.tensor3d(slice, [n, window, D])));
    out.set(emb.dataSync(), s * d);
    emb.dispose();
  }
  return out;
}

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
