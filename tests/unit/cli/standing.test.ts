/**
 * A match's standing in a small library (session 17 F1.3): with 1–19 ranked tracks a share like
 * "top 100 %" or "top 34 %" reads as a measurement where there is only an order, so the place is
 * said instead. Ranks and counts are set by hand; the fit object is what match-fit.ts hands out
 * (top = rank / of, rounded to 4 places).
 */
import { describe, expect, it } from 'vitest';
import { ordinal, standing, STANDING_AS_SHARE_FROM } from '../../../electron/contract/wording';
import { fitText } from '../../../scripts/cli/format';

const fit = (rank: number, of: number) => ({ top: Math.round((rank / of) * 1e4) / 1e4, of });

describe('standing', () => {
  it('says the place below 20 ranked tracks, the share from 20 on', () => {
    expect(STANDING_AS_SHARE_FROM).toBe(20);
    expect(standing(fit(1, 1))).toBe('only track');
    expect(standing(fit(1, 3))).toBe('1st of 3');
    expect(standing(fit(2, 3))).toBe('2nd of 3');
    expect(standing(fit(3, 3))).toBe('3rd of 3');
    expect(standing(fit(3, 8))).toBe('3rd of 8');
    expect(standing(fit(11, 19))).toBe('11th of 19');
    expect(standing(fit(19, 19))).toBe('19th of 19');
    // From 20 a share: 1 of 20 is the top 5 %, 7 of 700 the top 1 %.
    expect(standing(fit(1, 20))).toBe('top 5 %');
    expect(standing(fit(7, 700))).toBe('top 1 %');
  });

  it('spells ordinals as English does', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th', '112th']);
  });

  it('is what the CLI prints, in its column', () => {
    const line = fitText({ value: 0.5, basis: 'library', ...fit(2, 3) });
    expect(line).toBe('  2nd of 3  confidence     –');
    expect(fitText({ value: 0.5, basis: 'library', ...fit(19, 19) }).startsWith('19th of 19  ')).toBe(true);
  });
});
