/**
 * The Train screen's Pairs minimum (the contract's TRAINABLE_CORPUS_PAIRS, as the renderer cannot
 * import the engine) is the engine's: the fewest pairs whose planned splits train and score.
 * It said 8 while the engine refused a corpus of fewer than 10 (session 17, F6/F8).
 */
import { expect, it } from 'vitest';
import { TRAINABLE_CORPUS_PAIRS } from '../../../electron/contract/operations';
import { pairsToTrain, splitCounts, splitShortfall } from '../../../electron/engine/corpus/plan';

it("is the engine's pairsToTrain(): one fewer has a split too small, that many has none", () => {
  expect(TRAINABLE_CORPUS_PAIRS).toBe(pairsToTrain());
  expect(splitShortfall(splitCounts(TRAINABLE_CORPUS_PAIRS))).toBeNull();
  expect(splitShortfall(splitCounts(TRAINABLE_CORPUS_PAIRS - 1))).not.toBeNull();
});
