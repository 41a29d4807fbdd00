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
