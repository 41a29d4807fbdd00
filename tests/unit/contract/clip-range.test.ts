/**
 * The clip range rules of electron/contract/clip-range.ts on their own (no ffmpeg): where each rule's
 * edge lies and the words it says. Truths: docs/cli-match.md "Ranges and cuts" (the rule and its
 * quoted messages), the frame length 1/fps worked by hand, and times chosen exact in binary (fps 4:
 * half a frame is 0.125 s) so that "more than half a frame" is tested on its edge, not near it.
 */
import { describe, expect, it } from 'vitest';
import { cutsInside, END_SLACK, isShortRange, MIN_MATCH_SECONDS, rangeProblem, shortRangeNote, tooShortReason, tooShortToMatch } from '../../../electron/contract/clip-range';

describe('rangeProblem: one rule for match, fit and export', () => {
  it('says the three refusals in the words docs/cli-match.md quotes', () => {
    expect(rangeProblem(2, 100, 9.64, 25)).toBe("the range's end (100 s) is past the video's end (9.640 s); end it at 9.640 s or before");
    expect(rangeProblem(20, undefined, 9.64, 25)).toBe("the range's start (20 s) is at or past the video's end (9.640 s); start it before 9.640 s");
    expect(rangeProblem(9.63, undefined, 9.64, 25)).toBe('the range 9.630–9.640 s lasts 0.010 s, less than one frame of the video (0.040 s at 25 fps); choose a longer range');
  });

  it('a start at the picture\'s end is refused; one whole frame before it is a range', () => {
    expect(rangeProblem(6, undefined, 6, 25)).toMatch(/^the range's start \(6 s\) is at or past/);
    expect(rangeProblem(6, 6.01, 6, 25)).toMatch(/^the range's start/);
    // 6 − 1/25 = 5.96: exactly one frame is left.
    expect(rangeProblem(5.96, undefined, 6, 25)).toBeNull();
    expect(rangeProblem(0, undefined, 6, 25)).toBeNull();
  });

  it('times are said as typed (at most 3 decimals), the picture\'s end with 3', () => {
    expect(rangeProblem(9.63712, undefined, 9.6, 25)).toBe("the range's start (9.637 s) is at or past the video's end (9.600 s); start it before 9.600 s");
    expect(rangeProblem(1, 12.5, 9.6, 25)).toBe("the range's end (12.5 s) is past the video's end (9.600 s); end it at 9.600 s or before");
  });

  it('an end may pass the picture by END_SLACK (0.05 s) and is then its end', () => {
    expect(END_SLACK).toBe(0.05);
    expect(rangeProblem(1, 6.05, 6, 25)).toBeNull();
    expect(rangeProblem(1, 6.051, 6, 25)).toMatch(/^the range's end \(6\.051 s\) is past the video's end \(6\.000 s\)/);
    // Within the slack the end is the picture's: 5.97–6.04 holds 0.03 s of picture, under a 0.04 s frame.
    expect(rangeProblem(5.97, 6.04, 6, 25)).toBe('the range 5.970–6.000 s lasts 0.030 s, less than one frame of the video (0.040 s at 25 fps); choose a longer range');
  });

  it('an end up to a longer file\'s end is the picture\'s end; the slack still holds when the file is barely longer', () => {
    expect(rangeProblem(1, 7, 6, 25, 7)).toBeNull();
    expect(rangeProblem(1, 7.001, 6, 25, 7)).toMatch(/^the range's end \(7\.001 s\) is past the video's end \(6\.000 s\)/);
    // The file 0.02 s longer than the picture: the 0.05 s slack is the larger allowance.
    expect(rangeProblem(1, 6.04, 6, 25, 6.02)).toBeNull();
    expect(rangeProblem(1, 6.06, 6, 25, 6.02)).toMatch(/past the video's end/);
    // An end inside the picture with a longer file: its own length counts.
    expect(rangeProblem(5.99, 6.5, 6, 25, 7)).toMatch(/^the range 5\.990–6\.000 s lasts 0\.010 s/);
  });

  it('a range of exactly one frame passes even when subtraction rounds it short', () => {
    // 0.30 − 0.26 is 0.03999999999999998 in binary: one 25 fps frame all the same.
    expect(0.3 - 0.26).toBeLessThan(1 / 25);
    expect(rangeProblem(0.26, 0.3, 6, 25)).toBeNull();
    expect(rangeProblem(0.26, 0.299, 6, 25)).toMatch(/lasts 0\.039 s, less than one frame of the video \(0\.040 s at 25 fps\)/);
    // Another rate: NTSC's 29.97 fps frame is 0.033 s; said with the rate as typed.
    expect(rangeProblem(1, 1.02, 6, 29.97)).toBe('the range 1.000–1.020 s lasts 0.020 s, less than one frame of the video (0.033 s at 29.97 fps); choose a longer range');
    expect(rangeProblem(1, 1 + 1 / 29.97, 6, 29.97)).toBeNull();
  });
});

describe('the shortest range a match ranks', () => {
  it('is five 0.5 s rows, a last part row counting when half there: 4 × 0.5 + 0.25 = 2.25 s', () => {
    const rows = (s: number): number => Math.floor(s / 0.5) + (s % 0.5 >= 0.25 ? 1 : 0);
    expect(rows(MIN_MATCH_SECONDS)).toBe(5);
    expect(rows(MIN_MATCH_SECONDS - 0.01)).toBe(4);
    expect(MIN_MATCH_SECONDS).toBe(2.25);
  });

  it('too short below it, not at it (typed ranges: 3 → 5.25), within a millionth of a second', () => {
    expect(tooShortToMatch(5.25 - 3)).toBe(false);
    expect(tooShortToMatch(2.2499995)).toBe(false);
    expect(tooShortToMatch(2.249)).toBe(true);
    expect(tooShortToMatch(0.2)).toBe(true);
    expect(tooShortToMatch(8)).toBe(false);
  });

  it('says why in the words of docs/cli-match.md', () => {
    expect(tooShortReason(0.2)).toBe('lasts 0.20 s, too short to match: the model judges at least 2.25 s of picture (five of its 0.5 s analysis steps)');
    expect(tooShortReason(2.2449)).toMatch(/^lasts 2\.24 s,/);
  });
});

describe('a short range: ranked, and said to be judged on one', () => {
  it('is shorter than one segment, beyond a millionth of a second', () => {
    expect(isShortRange(4, 8)).toBe(true);
    expect(isShortRange(7.99, 8)).toBe(true);
    expect(isShortRange(8, 8)).toBe(false);
    expect(isShortRange(7.9999995, 8)).toBe(false);
    expect(isShortRange(9, 8)).toBe(false);
  });

  it('the note of docs/cli-match.md', () => {
    expect(shortRangeNote({ seconds: 4, segmentSeconds: 8 })).toBe(
      "judged on a short range: 4.00 s of picture, less than the model's 8 s segment (the rest of the segment repeats its last half second), so the ranking says less than for a longer range",
    );
    expect(shortRangeNote({ seconds: 3.456, segmentSeconds: 16 })).toMatch(/^judged on a short range: 3\.46 s of picture, less than the model's 16 s segment/);
  });
});

describe('cutsInside: the cuts between In and Out', () => {
  it('more than half a frame after In and before Out (fps 4: half a frame is 0.125 s)', () => {
    // Range [1, 3]: a cut on the In point's frame or half a frame on is the shot the range begins with.
    const cuts = [0.5, 1, 1.125, 1.25, 2, 2.75, 2.875, 3, 3.5];
    expect(cutsInside(cuts, 1, 3, 4)).toEqual([1.25, 2, 2.75]);
  });

  it('at 25 fps on frame times k/25: the In frame\'s cut left out, the next frame\'s kept; the Out frame\'s left out', () => {
    const frames = [24, 25, 26, 50, 74, 75, 76].map((k) => k / 25);
    expect(cutsInside(frames, 1, 3, 25)).toEqual([26 / 25, 2, 74 / 25]);
    // A cut a hair off the In frame (a rounded timestamp) is still the In frame's.
    expect(cutsInside([1.0001, 2.9999], 1, 3, 25)).toEqual([]);
  });

  it('keeps the order and every cut of an open range, none of an empty one', () => {
    expect(cutsInside([], 0, 10, 25)).toEqual([]);
    expect(cutsInside([1, 2, 3], 0, 10, 25)).toEqual([1, 2, 3]);
    expect(cutsInside([1, 2, 3], 2, 2, 25)).toEqual([]);
  });
});
