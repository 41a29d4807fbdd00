/**
 * Two details of reading media headers: which lines of ffmpeg's input dump belong to another log
 * level (skipped) and which continue a tag's value (making the tags inexact), and a video's display
 * aspect after its pixel aspect and rotation (values from the DVD and HD standards).
 */
import { describe, expect, it } from 'vitest';
import { displayAspect, packetsEnd, parseInputDump, type StreamInfo } from '../../../electron/engine/media/probe';

const dump = (...lines: string[]): string => lines.map((l) => (l.startsWith('|') ? l.slice(1) : `[info] ${l}`)).join('\n') + '\n';
const withTitleThen = (line: string): string =>
  dump("Input #0, mp3, from 'file:/m/e.mp3':", '  Metadata:', '    title           : A', `|${line}`, '    artist          : B', '  Duration: 00:00:01.00, start: 0.000000, bitrate: 8 kb/s', '  Stream #0:0: Audio: mp3, 8000 Hz, mono, fltp, 8 kb/s');

describe('parseInputDump: other levels and continued values', () => {
  it('skips a warning printed without a context between the tags', () => {
    expect(parseInputDump(withTitleThen('[warning] Estimating duration from bitrate, this may be inaccurate'))).toMatchObject({ tags: { title: 'A', artist: 'B' }, tagsExact: true });
  });

  it('takes a line with a bracketed word inside it as the title going on (not exact)', () => {
    expect(parseInputDump(withTitleThen('                    : recorded [live] at the hall'))).toMatchObject({ tags: { title: 'A', artist: 'B' }, tagsExact: false });
  });
});

describe('displayAspect', () => {
  const video = (s: Partial<StreamInfo>): StreamInfo => ({ index: 0, type: 'video', codec: 'h264', attachedPic: false, ...s });

  it('is width over height for square pixels, widened by the pixel aspect, and inverted when rotated a quarter turn', () => {
    expect(displayAspect(video({ width: 1920, height: 1080 }))).toBeCloseTo(16 / 9, 9);
    // NTSC DVD 16:9: 720 × 480 with pixels 32:27 wide.
    expect(displayAspect(video({ width: 720, height: 480, sampleAspect: 32 / 27 }))).toBeCloseTo(16 / 9, 9);
    // PAL DVD 4:3: 720 × 576 with pixels 16:15 wide.
    expect(displayAspect(video({ width: 720, height: 576, sampleAspect: 16 / 15 }))).toBeCloseTo(4 / 3, 9);
    expect(displayAspect(video({ width: 1920, height: 1080, rotation: 90 }))).toBeCloseTo(9 / 16, 9);
    expect(displayAspect(video({}))).toBeCloseTo(16 / 9, 9);
  });
});

describe('packetsEnd (framecrc)', () => {
  it('is the latest start + duration over all streams, each in its own time base; packets without a timestamp never count', () => {
    const text = [
      '#software: Lavf59.27.100',
      '#tb 0: 1/1000',
      '#media_type 0: video',
      '#tb 1: 1/48000',
      '#media_type 1: audio',
      '0,       4804,       4804,       66,     1456, 0x3b71c0b1',
      '1,     230400,     230400,     1024,      300, 0x00000001',
      '0,       4872,       4872,       66,     1190, 0x8b244cfe, F=0x0',
      '1, -9223372036854775808, -9223372036854775808, 1024, 300, 0x00000002',
      '',
    ].join('\n');
    // Video: (4872 + 66) / 1000 = 4.938; audio: (230400 + 1024) / 48000 = 4.8213…
    expect(packetsEnd(text)).toBeCloseTo(4.938, 12);
    // Without the last video packet the earlier one ends last: (4804 + 66) / 1000, after the audio's 4.821.
    expect(packetsEnd(text.replace('0,       4872,       4872,       66', '0,       4700,       4700,       66'))).toBeCloseTo(4.87, 12);
    // Without any video the audio's end: (230400 + 1024) / 48000.
    expect(packetsEnd(text.split('\n').filter((l) => !l.startsWith('0,')).join('\n'))).toBeCloseTo(231424 / 48000, 12);
    expect(packetsEnd('#tb 0: 1/90000\n0, 0, 0, 0, 10, 0x1\n')).toBe(0);
    expect(packetsEnd('#tb 0: 1/1000\n')).toBeUndefined();
  });
});
