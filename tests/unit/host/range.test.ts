/**
 * HTTP Range answers against RFC 9110 §14's own examples (a 10,000-byte representation):
 * first and last 500 bytes, a single byte, an open end, a suffix, and what is ignored or refused.
 */
import { describe, expect, it } from 'vitest';
import { answerRange, rangeHeaders } from '../../../electron/engine/host/range';

const SIZE = 10_000;

describe('answerRange', () => {
  it("answers the RFC's byte ranges with 206 and inclusive ends", () => {
    expect(answerRange('bytes=0-499', SIZE)).toEqual({ status: 206, start: 0, end: 499, length: 500 });
    expect(answerRange('bytes=500-999', SIZE)).toEqual({ status: 206, start: 500, end: 999, length: 500 });
    expect(answerRange('bytes=-500', SIZE)).toEqual({ status: 206, start: 9500, end: 9999, length: 500 });
    expect(answerRange('bytes=9500-', SIZE)).toEqual({ status: 206, start: 9500, end: 9999, length: 500 });
    // A one-byte range (first = last) is valid, and so is a last position past the end (clamped).
    expect(answerRange('bytes=5-5', SIZE)).toEqual({ status: 206, start: 5, end: 5, length: 1 });
    expect(answerRange('bytes=9999-20000', SIZE)).toEqual({ status: 206, start: 9999, end: 9999, length: 1 });
  });

  it('ignores an invalid or multiple range (whole file, 200) and refuses one starting past the end (416)', () => {
    const whole = { status: 200, start: 0, end: 9999, length: SIZE };
    expect(answerRange('bytes=500-400', SIZE)).toEqual(whole);
    expect(answerRange('bytes=0-1,5-6', SIZE)).toEqual(whole);
    expect(answerRange('items=0-1', SIZE)).toEqual(whole);
    expect(answerRange(undefined, SIZE)).toEqual(whole);
    expect(answerRange('bytes=10000-', SIZE)).toEqual({ status: 416 });
    expect(answerRange('bytes=-0', SIZE)).toEqual({ status: 416 });
  });

  it('states the range and its length in the headers', () => {
    expect(rangeHeaders({ status: 206, start: 5, end: 5, length: 1 }, SIZE, 'video/mp4')).toMatchObject({ 'Content-Range': 'bytes 5-5/10000', 'Content-Length': '1' });
    expect(rangeHeaders({ status: 416 }, SIZE, 'video/mp4')).toMatchObject({ 'Content-Range': 'bytes */10000', 'Content-Length': '0' });
  });
});
