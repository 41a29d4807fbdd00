/**
 * Reviews R1.5/R1.6: which held-out sources a fine-tune's before/after counts (3 windows or more,
 * 2 such sources), and when a version is no better than its parent (then never auto-activated).
 */
import { describe, expect, it } from 'vitest';
import { heldOutTooFew, MIN_HELD_OUT_WINDOWS } from '../../../electron/contract/wording';
import type { PairSample } from '../../../electron/engine/train/dataset';
import type { MethodReport } from '../../../electron/engine/train/eval';
import { BASE_R1_FALL_ALLOWED, heldOutComparison, noBetterThanParent, type HeldOutComparison } from '../../../electron/engine/train/finetune';

const windows = (id: string, n: number): PairSample[] => Array.from({ length: n }, () => ({ id }) as PairSample);
const report = (recall1: number, mrr: number): MethodReport => ({ method: 'm', videoToMusic: { recall1, recall5: 1, recall10: 1, medianRank: 1, mapAtR: recall1, gallery: 2, mrr }, musicToVideo: { recall1, recall5: 1, recall10: 1, medianRank: 1, mapAtR: recall1, gallery: 2, mrr } });
const compared = (before: number, after: number): HeldOutComparison => ({ edits: 2, before: report(0.5, before), after: report(0.5, after), reason: null, windows: 16, selectedOn: 16 });

describe('held-out sources that count (review R1.5)', () => {
  it('the reviewer’s 13 + 2 windows: one source counts, the 2-window clip is named as too short', () => {
    expect(MIN_HELD_OUT_WINDOWS).toBe(3);
    const c = heldOutComparison([...windows('/e/edit_06.m4v', 13), ...windows('/m/chaplin.mp4', 2)]);
    expect(c.sources).toEqual(['edit_06.m4v']);
    expect(c.windows).toHaveLength(13);
    expect(c.short).toEqual([{ name: 'chaplin.mp4', windows: 2 }]);
    expect(heldOutTooFew(c.sources.length, 0.25, c.sources, c.short)).toMatch(
      /^not compared: only 1 held-out edit \(edit_06\.m4v\), and a comparison needs at least 2 \(its windows all share one soundtrack, so there is no other music to rank against\); held out but too short to count \(fewer than 3 windows, about 10 s of pictures\): chaplin\.mp4 \(2 windows\)\. /,
    );
  });

  it('13 + 3 windows: both count', () => {
    const c = heldOutComparison([...windows('/e/a.mp4', 13), ...windows('/e/b.mp4', 3)]);
    expect(c.sources).toEqual(['a.mp4', 'b.mp4']);
    expect(c.windows).toHaveLength(16);
    expect(c.short).toEqual([]);
  });
});

describe('no better than the parent (review R1.6)', () => {
  const base = (before: number, after: number) => ({ before: report(before, before), after: report(after, after) });
  it('kept step 0 after validation: no step beat the parent', () => {
    expect(noBetterThanParent({ parent: 'base', bestStep: 0, validated: true, heldOut: compared(0.75, 0.75), base: null })).toBe("no step beat the parent (base) on the held-out edits, so this version keeps the parent's weights");
  });
  it('a kept step that scores below the parent on the held-out edits (MRR)', () => {
    expect(noBetterThanParent({ parent: 'base', bestStep: 30, validated: true, heldOut: compared(0.8, 0.6), base: null })).toBe('it is worse than its parent (base) on your held-out edits (video → music mean reciprocal rank 0.800 → 0.600)');
    expect(noBetterThanParent({ parent: 'base', bestStep: 30, validated: true, heldOut: compared(0.6, 0.8), base: null })).toBeNull();
  });
  it('the base benchmark Recall@1 falling by more than the margin (the reviewer’s 0.708 → 0.458), not by the margin itself', () => {
    expect(BASE_R1_FALL_ALLOWED).toBe(0.125);
    expect(noBetterThanParent({ parent: 'base', bestStep: 30, validated: true, heldOut: compared(0.6, 0.8), base: base(17 / 24, 11 / 24) })).toMatch(/^its base benchmark Recall@1 fell from 0\.708 to 0\.458, more than the 0\.125 allowed/);
    expect(noBetterThanParent({ parent: 'base', bestStep: 30, validated: true, heldOut: compared(0.6, 0.8), base: base(17 / 24, 14 / 24) })).toBeNull();
  });
  it('an unvalidated run (one held-out source) is judged on the base benchmark only', () => {
    const notCompared: HeldOutComparison = { edits: 1, before: null, after: null, reason: 'not compared' };
    expect(noBetterThanParent({ parent: 'base', bestStep: 300, validated: false, heldOut: notCompared, base: base(0.7, 0.7) })).toBeNull();
  });
});
