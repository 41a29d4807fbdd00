import type { DistanceSpec } from '../distances';
import { pairTuple, type IndicesTuple } from '../tuples';
import { BaseMiner, type MiningView } from './base';

/**
 * Multi-similarity pair mining (Wang et al. 2019), for similarities: keep negatives with
 * s_an + ε > min_p s_ap and positives with s_ap − ε < max_n s_an (mirrored for distances). Default ε = 0.1.
 */
export class MultiSimilarityMiner extends BaseMiner {
  readonly name = 'multi-similarity' as const;
  readonly epsilon: number;

  constructor(options: { distance?: DistanceSpec; epsilon?: number } = {}) {
    super(options.distance, 'cosine');
    this.epsilon = options.epsilon ?? 0.1;
  }

  protected select(v: MiningView): IndicesTuple {
    // Work in "closeness" c = s (similarity) or −d (distance): the rule is the same.
    const sign = this.distance.isSimilarity ? 1 : -1;
    const a1: number[] = [];
    const p: number[] = [];
    const a2: number[] = [];
    const n: number[] = [];
    for (let i = 0; i < v.rows; i++) {
      const row = i * v.cols;
      let minPos = Infinity;
      let maxNeg = -Infinity;
      for (let j = 0; j < v.cols; j++) {
        if (!v.valid(i, j)) continue;
        const c = sign * v.mat[row + j];
        if (v.labels[i] === v.refLabels[j]) minPos = Math.min(minPos, c);
        else maxNeg = Math.max(maxNeg, c);
      }
      for (let j = 0; j < v.cols; j++) {
        if (!v.valid(i, j)) continue;
        const c = sign * v.mat[row + j];
        if (v.labels[i] === v.refLabels[j]) {
          if (c - this.epsilon < maxNeg) {
            a1.push(i);
            p.push(j);
          }
        } else if (c + this.epsilon > minPos) {
          a2.push(i);
          n.push(j);
        }
      }
    }
    return pairTuple(a1, p, a2, n);
  }
}
