import type { DistanceSpec } from '../distances';
import { tripletTuple, type IndicesTuple } from '../tuples';
import { BaseMiner, type MiningView } from './base';

/**
 * Semi-hard triplet mining (Schroff et al. 2015, FaceNet): negatives farther than the positive but
 * within the margin, 0 < d_an − d_ap ≤ margin (s_ap − s_an for similarities). Default margin 0.2.
 */
export class SemiHardMiner extends BaseMiner {
  readonly name = 'semi-hard' as const;
  readonly margin: number;

  constructor(options: { distance?: DistanceSpec; margin?: number } = {}) {
    super(options.distance, 'euclidean');
    this.margin = options.margin ?? 0.2;
  }

  protected select(v: MiningView): IndicesTuple {
    const sign = this.distance.isSimilarity ? -1 : 1;
    const a: number[] = [];
    const p: number[] = [];
    const n: number[] = [];
    for (let i = 0; i < v.rows; i++) {
      const row = i * v.cols;
      for (let j = 0; j < v.cols; j++) {
        if (!v.valid(i, j) || v.labels[i] !== v.refLabels[j]) continue;
        for (let k = 0; k < v.cols; k++) {
          if (!v.valid(i, k) || v.labels[i] === v.refLabels[k]) continue;
          const gap = sign * (v.mat[row + k] - v.mat[row + j]);
          if (gap > 0 && gap <= this.margin) {
            a.push(i);
            p.push(j);
            n.push(k);
          }
        }
      }
    }
    return tripletTuple(a, p, n);
  }
}
