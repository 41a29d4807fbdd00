/**
 * Review R7: `models list`'s METRICS column was empty for every version, since model.json nests its
 * evaluations. The headline reads train's test report and a fine-tune's held-out evaluation.
 * Review R1.15: base's 0.658 was given without what it is over (398 test pairs, docs/models.md), and
 * a version whose Recall@10 is n/a on its small gallery headlined "n/a": now Recall@1 with its chance.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headline } from '../../../scripts/cli/models';
import { REPO_ROOT } from '../../helpers/cli';

const report = (method: string, r10: number) => ({
  method,
  videoToMusic: { recall1: r10 / 4, recall5: r10 / 2, recall10: r10, medianRank: 9, mapAtR: r10 / 4 },
  musicToVideo: { recall1: 0.01, recall5: 0.02, recall10: 0.03, medianRank: 50, mapAtR: 0.01 },
});

describe('models list headline', () => {
  it('shows the shipped base model’s test video→music Recall@10 and the test pairs it is over', () => {
    const { metrics } = JSON.parse(readFileSync(join(REPO_ROOT, 'models', 'base', 'model.json'), 'utf8')) as { metrics: { test: { videoToMusic: { recall10: number } } } };
    // The split sizes as docs/models.md states them when it says how base was trained: "(1,840 train / 402 val / 398 test)".
    const docs = readFileSync(join(REPO_ROOT, 'docs', 'models.md'), 'utf8');
    const testPairs = Number(/\([\d,]+ train \/ [\d,]+ val \/ ([\d,]+) test\)/.exec(docs)?.[1].replace(/,/g, ''));
    expect(testPairs).toBeGreaterThan(20);
    // 0.658 over 398 when the review read it (R7, R1.15); from the files, so a retrained base keeps the test true.
    expect(headline(metrics)).toBe(`v→m R@10 ${metrics.test.videoToMusic.recall10.toFixed(3)} over ${testPairs} test pairs`);
  });

  it('a trained version: its test split, not a baseline', () => {
    expect(headline({ test: report('v1', 0.4216), baselines: [report('random', 0.05)] })).toBe('v→m R@10 0.422');
  });

  it('a fine-tuned version: the held-out edits, after and its parent before', () => {
    const metrics = { evaluations: { heldOut: { before: report('base', 0.25), after: report('fine-tuned ft1', 0.5) }, base: null } };
    expect(headline(metrics)).toBe('held-out edits v→m R@10 0.500 (parent 0.250)');
  });

  // Review S1: a 40-step model's R@10 over 7 test pairs read 1.000 beside base's over hundreds.
  it('says how many items a real figure was computed over, when the report records it', () => {
    const withGallery = (r: ReturnType<typeof report>, gallery: number) => ({ ...r, videoToMusic: { ...r.videoToMusic, gallery } });
    expect(headline({ test: withGallery(report('v1', 0.4216), 25) })).toBe('v→m R@10 0.422 over 25 test pairs');
    const heldOut = { before: withGallery(report('base', 0.25), 30), after: withGallery(report('fine-tuned ft1', 0.5), 30) };
    expect(headline({ evaluations: { heldOut, base: null } })).toBe('held-out edits v→m R@10 0.500 (parent 0.250) over 30 windows');
  });

  // Review R1.15 and R1.13: where Recall@10 is n/a (10 more than half the gallery) the headline is Recall@1,
  // beside chance and the model it is read against on the same queries.
  it('a small gallery: Recall@1 with its chance, beside the reference scored on the same test pairs', () => {
    const withGallery = (r: ReturnType<typeof report>, gallery: number) => ({ ...r, videoToMusic: { ...r.videoToMusic, gallery } });
    // R@1 of v1 = 0.6 / 4; over 6 test pairs one in 6 is first at random.
    const test = withGallery(report('v1', 0.6), 6);
    expect(headline({ test })).toBe('v→m R@1 0.150 (chance 0.167) over 6 test pairs');
    expect(headline({ test, reference: { ...withGallery(report('active base', 0.8), 6), version: 'base' } })).toBe('v→m R@1 0.150 (active base 0.200, chance 0.167) over 6 test pairs');
    // 19 pairs: Recall@10 is still more than half the gallery; 20: it is a figure.
    expect(headline({ test: withGallery(report('v1', 0.6), 19) })).toBe('v→m R@1 0.150 (chance 0.053) over 19 test pairs');
    expect(headline({ test: withGallery(report('v1', 0.6), 20) })).toBe('v→m R@10 0.600 over 20 test pairs');
    // A fine-tune scored by source: its windows ranked against the held-out soundtracks.
    const heldOut = { before: withGallery(report('parent base', 0.8), 3), after: withGallery(report('fine-tuned ft1', 1.6), 3), windows: 15, edits: 3 };
    expect(headline({ evaluations: { heldOut, base: null } })).toBe('held-out edits v→m R@1 0.400 (parent 0.200, chance 0.333) over 15 windows against 3 soundtracks');
  });

  it('anything else: its first top-level numbers as written; nothing when there are none', () => {
    expect(headline({ 'v2m.recall@10': 0.5, steps: 3, note: 'x' })).toBe('v2m.recall@10=0.500 steps=3');
    expect(headline({})).toBe('');
  });
});
