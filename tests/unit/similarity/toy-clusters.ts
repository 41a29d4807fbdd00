/**
 * A toy library for re-ranking tests: 6 clusters × 8 unit rows in 32-D, a random
 * centre per cluster plus Gaussian noise of about the same size, so a row's nearest neighbour is
 * often in the wrong cluster. Deterministic (an LCG); labels = the generating cluster.
 */
export function noisyClusters(): { rows: Float32Array; dim: number; labels: Int32Array } {
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const dim = 32;
  const clusters = 6;
  const per = 8;
  const rows = new Float32Array(clusters * per * dim);
  const labels = new Int32Array(clusters * per);
  for (let c = 0; c < clusters; c++) {
    const centre = Array.from({ length: dim }, gauss);
    for (let p = 0; p < per; p++) {
      const i = c * per + p;
      labels[i] = c;
      const v = centre.map((x) => x + 1.3 * gauss());
      const n = Math.hypot(...v);
      v.forEach((x, d) => (rows[i * dim + d] = x / n));
    }
  }
  return { rows, dim, labels };
}
