/**
 * Fine-tuning's held-out windows split for the match calibration (match-calibration.ts
 * calibrationShare): whole sources to one side, every other source in id order to the
 * calibration, nothing below twice the fewest sources a calibration needs; the training data
 * fine-tuning then early-stops on holds none of the calibration's sources in 'val'.
 */
import { describe, expect, it } from 'vitest';
import { baseCalibrationData, calibrationShare, finetuneCalibrationPlan, MIN_CALIBRATION_PAIRS } from '../../../electron/engine/app/match-calibration';
import type { PairSample, TrainingData } from '../../../electron/engine/train/dataset';

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

describe('finetuneCalibrationPlan', () => {
  /** 4 training sources and `heldOut` held-out ones, three windows each, as fine-tuning's data. */
  const data = (heldOut: number): TrainingData => {
    const pairs = [
      ...Array.from({ length: 12 }, (_, i) => ({ id: `train-${Math.floor(i / 3)}`, index: i, split: 'train' })),
      ...windows(heldOut).map((w, i) => ({ ...w, index: 12 + i })),
    ] as unknown as PairSample[];
    return { pairs } as unknown as TrainingData;
  };
  const idsOf = (ps: PairSample[], split?: string): string[] => [...new Set(ps.filter((p) => !split || p.split === split).map((p) => p.id))].sort();

  it('leaves only the stopping sources in the val split the trainer reads', () => {
    const d = data(2 * MIN_CALIBRATION_PAIRS + 2);
    const before = JSON.stringify(d);
    const plan = finetuneCalibrationPlan(d);
    const val = idsOf(plan.stoppingData.pairs, 'val');
    const calibration = idsOf(plan.calibration);
    expect(calibration).toHaveLength(MIN_CALIBRATION_PAIRS + 1);
    expect(val).toEqual(idsOf(plan.check));
    expect(val.filter((id) => calibration.includes(id))).toEqual([]);
    // The calibration sources are still there, as 'test' (the trainer reads train and val only); training is untouched.
    expect(idsOf(plan.stoppingData.pairs, 'test')).toEqual(calibration);
    expect(plan.stoppingData.pairs.filter((p) => p.split === 'train')).toEqual(d.pairs.filter((p) => p.split === 'train'));
    expect(plan.stoppingData.pairs).toHaveLength(d.pairs.length);
    expect(JSON.stringify(d)).toBe(before);
  });

  it('changes nothing below twice the calibration minimum', () => {
    const d = data(2 * MIN_CALIBRATION_PAIRS - 1);
    const plan = finetuneCalibrationPlan(d);
    expect(plan.stoppingData).toBe(d);
    expect(plan.calibration).toEqual([]);
  });
});

describe('baseCalibrationData', () => {
  it("names round 4's galleries only for the shipped recipe's pairs", () => {
    expect(baseCalibrationData(2640, 3000, 7)).toMatch(/pairs 2641-3000 .*round 4's validation galleries H-J/);
    expect(baseCalibrationData(2000, 3000, 7)).toMatch(/pairs 2001-3000 .*never trained or early-stopped on them$/);
    expect(baseCalibrationData(2640, 3000, 8)).not.toMatch(/round 4/);
  });
});
