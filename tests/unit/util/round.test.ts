import { describe, expect, it } from 'vitest';
import { round } from '../../../electron/engine/util/round';

describe('round', () => {
  it('keeps the asked number of decimal places', () => {
    expect(round(1.23456, 3)).toBe(1.235);
    expect(round(1.23456, 4)).toBe(1.2346);
    expect(round(1.23456, 0)).toBe(1);
    expect(round(0.04999, 1)).toBe(0);
  });

  it('sends halves up, as Math.round does (also below zero), unlike toFixed', () => {
    expect(round(0.125, 2)).toBe(0.13);
    expect(round(-2.5, 0)).toBe(-2);
    expect(round(-0.0625, 3)).toBe(-0.062);
  });
});
