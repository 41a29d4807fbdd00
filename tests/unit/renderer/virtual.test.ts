import { describe, expect, it } from 'vitest';
import { pagesFor, rowWindow } from '../../../renderer/lib/virtual';

describe('rowWindow', () => {
  it('renders only the rows in view plus the margin', () => {
    // 28 px rows, a 560 px viewport scrolled to row 1000: rows 1000..1019 visible, 8 either side.
    expect(rowWindow(1000 * 28, 560, 28, 10_000, 8)).toEqual({ first: 992, end: 1028 });
  });
  it('clamps at both ends and on an empty list', () => {
    expect(rowWindow(0, 560, 28, 10_000, 8)).toEqual({ first: 0, end: 28 });
    expect(rowWindow(9_999 * 28, 560, 28, 10_000, 8)).toEqual({ first: 9_991, end: 10_000 });
    expect(rowWindow(0, 560, 28, 0)).toEqual({ first: 0, end: 0 });
    expect(rowWindow(0, 560, 28, 5, 8)).toEqual({ first: 0, end: 5 });
  });
});

describe('pagesFor', () => {
  it('lists the pages a window straddles', () => {
    expect(pagesFor({ first: 190, end: 410 }, 200)).toEqual([0, 1, 2]);
    expect(pagesFor({ first: 200, end: 400 }, 200)).toEqual([1]);
    expect(pagesFor({ first: 0, end: 0 }, 200)).toEqual([]);
  });
});
