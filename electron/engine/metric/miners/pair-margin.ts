import type { DistanceSpec } from '../distances';
import { pairTuple, type IndicesTuple } from '../tuples';
import { BaseMiner, type MiningView } from './base';

/**
 * Pair-margin mining (pytorch-metric-learning's PairMarginMiner): positives not yet inside posMargin and
 * negatives still inside negMargin. Defaults 0.2 / 0.8 for distances, 0.8 / 0.2 for similarities.
 */
export class PairMarginMiner extends BaseMiner {
  readonly name = 'pair-margin' as const;
  readonly posMargin: number;
  readonly negMargin: number;

  constructor(options: { distance?: DistanceSpec; posMargin?: number; negMargin?: number } = {}) {
    super(options.distance, 'euclidean');
    this.posMargin = options.posMargin ?? (this.distance.isSimilarity ? 0.8 : 0.2);
    this.negMargin = options.negMargin ?? (this.distance.isSimilarity ? 0.2 : 0.8);
  }

  protected select(v: MiningView): IndicesTuple {
    const a1: number[] = [];
    const p: number[] = [];
    const a2: number[] = [];
    const n: number[] = [];
    for (let i = 0; i < v.rows; i++) {
      for (let j = 0; j < v.cols; j++) {
        if (!v.valid(i, j)) continue;
        const x = v.mat[i * v.cols + j];
        if (v.labels[i] === v.refLabels[j]) {
          if (!this.distance.closer(x, this.posMargin)) {
            a1.push(i);
            p.push(j);
          }
        } else if (this.distance.closer(x, this.negMargin)) {
          a2.push(i);
          n.push(j);
        }
      }
    }
    return pairTuple(a1, p, a2, n);
  }
}
