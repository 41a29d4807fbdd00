/**
 * What `needledrop train` says about how a run went (review S1, S2, S3): splits too small for their
 * headline metric, where a resumed run resumed,
 * that early stopping ended it and which step it kept, and, after Ctrl-C, that running the same
 * command resumes it (the engine's message says the checkpoint is kept; the CLI names the command).
 */
import { describe, expect, it } from 'vitest';
import { errorLine } from '../../../scripts/cli/errors';
import { runEnding } from '../../../scripts/cli/train';
import { DEFAULT_OPTIONS, pairsForSplitsOver, planCorpus } from '../../../electron/engine/corpus/plan';
import { splitNotes } from '../../../electron/engine/service/training';
import { checkpointNote } from '../../../electron/engine/train/trainer';
import { syntheticTrainingData } from '../train/synthetic';

describe('train lines', () => {
  it('says how the run ended: steps run, the step kept, stopped early, resumed', () => {
    expect(runEnding({ bestStep: 30, stepsRun: 150, stoppedEarly: true, resumedAt: null })).toBe('stopped early at step 150, kept step 30');
    expect(runEnding({ bestStep: 300, stepsRun: 300, stoppedEarly: false, resumedAt: null })).toBe('300 steps, kept step 300');
    expect(runEnding({ bestStep: 250, stepsRun: 300, stoppedEarly: false, resumedAt: 152 })).toBe('resumed at step 152, 300 steps, kept step 250');
  });

  it('says where a checkpoint was resumed, or why it was not', () => {
    expect(checkpointNote({ resumed: { step: 152, steps: 300 } })).toBe('resuming at step 152 of 300');
    expect(checkpointNote({ startedOver: 'the checkpoint in /c/d1 is not resumed: it was trained on other data', steps: 300 })).toBe('the checkpoint in /c/d1 is not resumed: it was trained on other data; starting over from step 0');
  });

  it('after Ctrl-C with a checkpoint kept, names the command that resumes it; a plain cancel gets no hint', () => {
    expect(errorLine({ code: 'cancelled', message: 'training cancelled at step 152 of 300; its checkpoint is kept' })).toBe('training cancelled at step 152 of 300; its checkpoint is kept (run the same command again to resume it)');
    expect(errorLine({ code: 'cancelled', message: 'training cancelled' })).toBe('training cancelled');
  });
});

describe('split notes (review S1, train side)', () => {
  it('the corpus size named for splits over 10 is the smallest whose planned val and test splits both exceed 10', () => {
    const n = pairsForSplitsOver(10);
    const sizes = (pairs: number) => {
      const m = planCorpus(5, { ...DEFAULT_OPTIONS, pairs });
      return { val: m.pairs.filter((p) => p.split === 'val').length, test: m.pairs.filter((p) => p.split === 'test').length };
    };
    expect(Math.min(sizes(n).val, sizes(n).test)).toBeGreaterThan(10);
    expect(Math.min(sizes(n - 1).val, sizes(n - 1).test)).toBeLessThanOrEqual(10);
  });

  it('a corpus with val and test splits too small for Recall@10 is told what that does to its figures; a larger one is not', () => {
    const small = splitNotes(syntheticTrainingData({ counts: { train: 30, val: 7, test: 7 } }));
    expect(small).toEqual([
      "the val split: 7 pairs, so Recall@10 would be 1 for any model: the kept step is chosen on the mean reciprocal rank (MRR) instead, equal ones by the margin of each clip's own track over the others",
      'the test split has 7 pairs, fewer than 20, so Recall@10 is n/a; read the figures against the chance row and the earlier model scored on the same 7 pairs',
      `a corpus of ${pairsForSplitsOver(19)} pairs or more has val and test splits of 20 or more`,
    ]);
    expect(splitNotes(syntheticTrainingData({ counts: { train: 30, val: 20, test: 20 } }))).toEqual([]);
    // 19 test pairs: Recall@10 is more than half of them (review R1.13's rule), so n/a.
    expect(splitNotes(syntheticTrainingData({ counts: { train: 30, val: 20, test: 19 } }))[0]).toMatch(/^the test split has 19 pairs, fewer than 20, so Recall@10 is n\/a;/);
    // One val pair: nothing to rank it against.
    expect(splitNotes(syntheticTrainingData({ counts: { train: 30, val: 1, test: 20 } }))).toEqual([
      'the val split: one item, nothing to rank it against, so no step is selected: every step runs and the last is kept',
      `a corpus of ${pairsForSplitsOver(19)} pairs or more has val and test splits of 20 or more`,
    ]);
  });
});
