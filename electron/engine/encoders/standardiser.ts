/** Fixed per-descriptor mean and std, fitted once on training data and shipped inside the model. */
export interface Standardiser {
  mean: Float32Array;
  std: Float32Array;
}

/** Below this a column is treated as constant: dividing by a near-zero std would only amplify noise. */
const MIN_STD = 1e-6;

/** Row-major rows × D matrices, e.g. FeatureSeqs. */
export interface FeatureRows {
  data: Float32Array;
  D: number;
}

/** Column mean and population std over every row of every sequence (float64 sums). Constant columns get std 1. */
export function fitStandardiser(seqs: Iterable<FeatureRows>): Standardiser {
  let D = -1;
  let count = 0;
  let sum = new Float64Array(0);
  let sumSq = new Float64Array(0);
  // Two passes would need the data twice; shifted sums keep one pass numerically sound.
  let shift = new Float64Array(0);
  for (const seq of seqs) {
    if (D < 0) {
      D = seq.D;
      sum = new Float64Array(D);
      sumSq = new Float64Array(D);
      shift = Float64Array.from(seq.data.subarray(0, D));
    } else if (seq.D !== D) {
      throw new RangeError(`fitStandardiser: sequences disagree on D (${D} vs ${seq.D})`);
    }
    const rows = Math.floor(seq.data.length / D);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < D; c++) {
        const v = seq.data[r * D + c] - shift[c];
        sum[c] += v;
        sumSq[c] += v * v;
      }
    }
    count += rows;
  }
  if (count === 0) throw new RangeError('fitStandardiser: no feature rows to fit on');
  const mean = new Float32Array(D);
  const std = new Float32Array(D);
  for (let c = 0; c < D; c++) {
    const m = sum[c] / count;
    const variance = Math.max(0, sumSq[c] / count - m * m);
    mean[c] = shift[c] + m;
    const s = Math.sqrt(variance);
    std[c] = s > MIN_STD ? s : 1;
  }
  return { mean, std };
}

/** The identity standardiser, for an encoder not yet fitted. */
export function identityStandardiser(D: number): Standardiser {
  return { mean: new Float32Array(D), std: new Float32Array(D).fill(1) };
}
