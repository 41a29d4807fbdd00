import { usageError } from '../../errors';
import type { DistanceSpec } from '../distances';
import type { Miner, MinerName } from './base';
import { BatchHardMiner } from './batch-hard';
import { MultiSimilarityMiner } from './multi-similarity';
import { PairMarginMiner } from './pair-margin';
import { SemiHardMiner } from './semi-hard';

export type { Miner, MinerInput, MinerName } from './base';
export { BatchHardMiner, MultiSimilarityMiner, PairMarginMiner, SemiHardMiner };

export const MINER_NAMES: readonly MinerName[] = ['batch-hard', 'semi-hard', 'multi-similarity', 'pair-margin'];

export interface MinerFactoryOptions {
  distance?: DistanceSpec;
  /** semi-hard margin. */
  margin?: number;
  /** multi-similarity ε. */
  epsilon?: number;
  posMargin?: number;
  negMargin?: number;
}

export function createMiner(name: MinerName, options: MinerFactoryOptions = {}): Miner {
  switch (name) {
    case 'batch-hard':
      return new BatchHardMiner(options);
    case 'semi-hard':
      return new SemiHardMiner(options);
    case 'multi-similarity':
      return new MultiSimilarityMiner(options);
    case 'pair-margin':
      return new PairMarginMiner(options);
    default:
      throw usageError(`unknown miner "${String(name)}" (one of ${MINER_NAMES.join(', ')})`);
  }
}
