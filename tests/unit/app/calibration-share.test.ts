/**
 * Fine-tuning's held-out windows split for the match calibration (match-calibration.ts
 * calibrationShare): whole sources to one side, every other source in id order to the
 * calibration, nothing below twice the fewest sources a calibration needs.
 */
import { describe, expect, it } from 'vitest';
import { calibrationShare, MIN_CALIBRATION_PAIRS } from '../../../electron/engine/app/match-calibration';
import type { PairSample } from '../../../electron/engine/train/dataset';

/** Windows of `sources` held-out edits, three each; only id and index matter to the split. */
const windows = (sources: number): PairSample[] =>
  Array.from({ length: sources * 3 }, (_, i) => ({ id: `edit-${String(Math.floor(i / 3)).padStart(3, '0')}`, index: i, split: 'val' }) as unknown as PairSample);

describe('calibrationShare', () => {
  it('keeps every window for early stopping below twice the calibration minimum', () => {
    const w = windows(2 * MIN_CALIBRATION_PAIRS - 1);
    const share = calibrationShare(w);
    expect(share.calibration).toEqual([]);
    expect(share.stopping).toEqual(w);
  });

  it('gives every other source, whole, to the calibration once there are enough', () => {
    const w = windows(2 * MIN_CALIBRATION_PAIRS + 1);
    // Shuffled input: the split goes by id, not by order.
    const shuffled = [...w].reverse();
    const share = calibrationShare(shuffled);
    const ids = (xs: PairSample[]): string[] => [...new Set(xs.map((x) => x.id))].sort();
    // Sources 000 … 020: odd ones (001, 003, … 019) calibrate, 10 of them; 11 early-stop.
    expect(ids(share.calibration)).toEqual(Array.from({ length: MIN_CALIBRATION_PAIRS }, (_, k) => `edit-${String(2 * k + 1).padStart(3, '0')}`));
    expect(ids(share.stopping)).toHaveLength(MIN_CALIBRATION_PAIRS + 1);
    expect(share.calibration.length + share.stopping.length).toBe(w.length);
    expect(share.calibration.every((x) => !ids(share.stopping).includes(x.id))).toBe(true);
    expect(share.calibration).toHaveLength(3 * MIN_CALIBRATION_PAIRS);
  });
});
