import { describe, expect, it } from 'vitest';
import { percent, topPercent } from '../../../electron/contract/wording';

describe('the fit as the Match screen prints it', () => {
  it('rounds a share to whole percent and never claims 0 or 100', () => {
    expect(percent(0.72)).toBe('72 %');
    expect(percent(0.0008)).toBe('<1 %');
    expect(percent(0.005)).toBe('1 %');
    expect(percent(0.9951)).toBe('>99 %');
    expect(percent(0)).toBe('<1 %');
    expect(percent(1)).toBe('>99 %');
  });

  it('gives rank / n as "top x %", two digits under 1 %', () => {
    expect(topPercent(1 / 10)).toBe('top 10 %');
    expect(topPercent(3 / 100)).toBe('top 3 %');
    expect(topPercent(1 / 24)).toBe('top 4 %');
    expect(topPercent(3 / 10_000)).toBe('top 0.03 %');
    expect(topPercent(1 / 700)).toBe('top 0.14 %');
    expect(topPercent(1)).toBe('top 100 %');
  });
});
