/**
 * Review R7: `models list`'s METRICS column was empty for every version, since model.json nests its
 * evaluations. The headline reads train's test report and a fine-tune's held-out evaluation.
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
  it('shows the shipped base model’s test video→music Recall@10', () => {
    const { metrics } = JSON.parse(readFileSync(join(REPO_ROOT, 'models', 'base', 'model.json'), 'utf8')) as { metrics: { test: { videoToMusic: { recall10: number } } } };
    // 0.658 when the review read it (R7); from the file, so a retrained base keeps the test true.
    expect(headline(metrics)).toBe(`v→m R@10 ${metrics.test.videoToMusic.recall10.toFixed(3)}`);
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
    expect(headline({ test: withGallery(report('v1', 0.4216), 11) })).toBe('v→m R@10 0.422 over 11 test pairs');
    const heldOut = { before: withGallery(report('base', 0.25), 14), after: withGallery(report('fine-tuned ft1', 0.5), 14) };
    expect(headline({ evaluations: { heldOut, base: null } })).toBe('held-out edits v→m R@10 0.500 (parent 0.250) over 14 windows');
  });

  it('anything else: its first top-level numbers as written; nothing when there are none', () => {
    expect(headline({ 'v2m.recall@10': 0.5, steps: 3, note: 'x' })).toBe('v2m.recall@10=0.500 steps=3');
    expect(headline({})).toBe('');
  });
});
