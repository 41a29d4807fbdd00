import type { DistanceSpec } from '../distances';
import { tripletTuple, type IndicesTuple } from '../tuples';
import { BaseMiner, type MiningView } from './base';

/** Batch-hard mining (Hermans, Beyer & Leibe 2017): per anchor, its farthest positive and closest negative. */
export class BatchHardMiner extends BaseMiner {
  readonly name = 'batch-hard' as const;

  constructor(options: { distance?: DistanceSpec } = {}) {
    super(options.distance, 'euclidean');
  }

  protected select(v: MiningView): IndicesTuple {
    const a: number[] = [];
    const p: number[] = [];
    const n: number[] = [];
    for (let i = 0; i < v.rows; i++) {
      let hardPos = -1;
      let hardNeg = -1;
      for (let j = 0; j < v.cols; j++) {
        if (!v.valid(i, j)) continue;
        const x = v.mat[i * v.cols + j];
        if (v.labels[i] === v.refLabels[j]) {
          if (hardPos < 0 || this.distance.closer(v.mat[i * v.cols + hardPos], x)) hardPos = j;
        } else if (hardNeg < 0 || this.distance.closer(x, v.mat[i * v.cols + hardNeg])) hardNeg = j;
      }
      if (hardPos >= 0 && hardNeg >= 0) {
        a.push(i);
        p.push(hardPos);
        n.push(hardNeg);
      }
    }
    return tripletTuple(a, p, n);
  }
}
