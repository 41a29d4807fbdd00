/**
 * eval-similar's table keeps its number columns in line whatever the labels (review S12.13: a label
 * longer than the 40-character column pushed its numbers out of line). Truth: every row's first number
 * starts at the column of the header's "MAP@R".
 */
import { describe, expect, it } from 'vitest';
import type { SpaceScores } from '../../../electron/engine/similarity/evaluate';
import { table } from '../../../scripts/dev/eval-similar';

describe('eval-similar table', () => {
  it('lines up every row under the header, the longest label included', () => {
    const score = (x: number) => ({ mapAtR: x, rPrecision: x / 2, precisionAt1: x / 3 });
    const s: SpaceScores = {
      tracks: 10, albums: 2, chance: score(0.1), mfccStats: score(0.2), descriptorStats: score(0.3), profileStored: score(0.4),
      profileStoredReranked: score(0.5), profileProduction: score(0.55), profileNeighbours: score(0.6), profile: score(0.7), mood: score(0.15),
      statsPlusMood: score(0.65), learned: score(0.25), learnedPlusMood: score(0.35), learnedPlusStats: score(0.45),
    };
    const lines = table('t', s).split('\n').slice(1);
    const column = lines[0].indexOf('MAP@R');
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines.slice(1)) {
      expect(line.search(/\d\.\d{3}/)).toBe(column);
      expect(line.slice(2, column).trimEnd().length).toBeGreaterThan(0);
    }
    expect(Math.max(...lines.slice(1).map((l) => l.slice(2, column).trimEnd().length))).toBeGreaterThan(40);
  });
});
