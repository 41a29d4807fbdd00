/**
 * Recall@K once K reaches the gallery (session 17 F1.4): with one true track per clip, a gallery
 * of N puts it in the top K ≥ N whatever the ranking, so on a 2-pair test split R@5 and R@10 read
 * 1.000 for chance too. The CLI says "n/a (gallery of N)" in its table and null in its JSON,
 * and the models list does the same. Since review R1.13 the rule is K more than half the gallery
 * (R@5 over 6 read 1.000 for a version at chance), and the models list headlines Recall@1 there. The small case runs the real CLI on a generated corpus.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrievalMetrics } from '../../../electron/engine/metric/retrieval';
import { formatReports, withTrivialRecallNull, type ReportRow } from '../../../scripts/cli/format';
import { headline } from '../../../scripts/cli/models';
import { needledropSync, needledropWithEnv, REPO_ROOT } from '../../helpers/cli';
import { tinyCorpus } from '../../helpers/corpus';
import { tempDir } from '../../helpers/media';

const side = (gallery: number, r: number) => ({ recall1: r, recall5: 1, recall10: 1, medianRank: 1, mapAtR: r, gallery });

describe('Recall@K with K at or past the gallery', () => {
  it('the gallery is the references each query is ranked against (itself left out with excludeSelf)', () => {
    const labels = Int32Array.from([0, 1, 2]);
    expect(retrievalMetrics(new Float64Array(9), labels, labels).gallery).toBe(3);
    expect(retrievalMetrics(new Float64Array(9), Int32Array.from([0, 0, 1]), Int32Array.from([0, 0, 1]), { excludeSelf: true }).gallery).toBe(2);
  });

  it('the table says n/a for K ≥ gallery and the figure below it; the JSON form is null', () => {
    const rows: ReportRow[] = [{ method: 'random', videoToMusic: side(2, 0.5), musicToVideo: side(12, 0.25) }];
    const row = formatReports(rows).split('\n')[2];
    expect(row).toBe('| random | 0.500 | n/a (gallery of 2) | n/a (gallery of 2) | 1 | 0.500 | 0.250 | 1.000 | n/a (gallery of 12) | 1 | 0.250 |');
    expect(withTrivialRecallNull(side(5, 0.2))).toEqual({ recall1: 0.2, recall5: null, recall10: null, medianRank: 1, mapAtR: 0.2, gallery: 5 });
    // A report saved before the gallery was recorded keeps its figures.
    expect(withTrivialRecallNull({ recall1: 1, recall5: 1, recall10: 1, medianRank: 1, mapAtR: 1 })).toMatchObject({ recall5: 1, recall10: 1 });
  });

  it('models list: a version tested on 4 pairs has no Recall@10 to show: its Recall@1 and chance instead', () => {
    expect(headline({ test: { method: 'v', videoToMusic: side(4, 0.5), musicToVideo: side(4, 0.5) } })).toBe('v→m R@1 0.500 (chance 0.250) over 4 test pairs');
    const heldOut = { before: { videoToMusic: side(6, 0.2) }, after: { videoToMusic: side(6, 0.5) } };
    expect(headline({ evaluations: { heldOut } })).toBe('held-out edits v→m R@1 0.500 (parent 0.200, chance 0.167) over 6 windows');
  });
});

const hasBase = existsSync(join(REPO_ROOT, 'models/base/model.json'));

describe.skipIf(!hasBase)('needledrop eval on a 2-pair test split', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let corpus: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-eval-gallery-'));
    corpus = join(dir, 'corpus');
    // The smallest render that trains and scores (tests/helpers/corpus.ts): the split's gallery is the point, not the media.
    await tinyCorpus(corpus, 7, 12);
  }, 120_000);
  afterAll(() => cleanup?.());

  const run = (...args: string[]) => needledropSync({ NEEDLEDROP_HOME: join(dir, 'home') }, 'eval', '--corpus', corpus, '--model', 'base', '--provider', 'cpu', ...args);

  it('marks R@5 and R@10 in the table and nulls them in the JSON; R@1 stays a figure', () => {
    const json = run('--split', 'test', '--json');
    expect(json.status, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { pairs: number; reports: Array<{ method: string; videoToMusic: Record<string, number | null> }> };
    const gallery = doc.pairs; // one true track per clip among the split's tracks
    expect(gallery).toBeLessThan(5);
    for (const r of doc.reports) {
      expect(r.videoToMusic).toMatchObject({ gallery, recall5: null, recall10: null });
      expect(typeof r.videoToMusic.recall1).toBe('number');
    }
    const text = run('--split', 'test');
    expect(text.status, text.stderr).toBe(0);
    const random = text.stdout.split('\n').find((l) => l.startsWith('| random |'))!;
    expect(random.match(new RegExp(`n/a \\(gallery of ${gallery}\\)`, 'g'))).toHaveLength(4);
  }, 240_000);

  it('train --json nulls them too, as its table says n/a (it printed 1 for R@5 and R@10 on the same split)', async () => {
    const r = await needledropWithEnv({ NEEDLEDROP_HOME: join(dir, 'home') }, 'train', '--corpus', corpus, '--version', 'gallery-tiny', '--steps', '3', '--json');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { test: { videoToMusic: Record<string, number | null>; musicToVideo: Record<string, number | null> } };
    for (const side of [doc.test.videoToMusic, doc.test.musicToVideo]) {
      const gallery = side.gallery as number;
      expect(gallery).toBeLessThan(5);
      expect(side).toMatchObject({ recall5: null, recall10: null });
      expect(typeof side.recall1).toBe('number');
    }
  }, 240_000);
});
