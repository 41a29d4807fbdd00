import { describe, expect, it } from 'vitest';
import { describeStderr, explain, StderrTail } from '../../../electron/engine/media/process';

describe('StderrTail', () => {
  it('keeps the last lines across chunk boundaries', () => {
    const t = new StderrTail(3);
    t.push('one\ntw');
    t.push('o\nthree\n\nfour\nfi');
    t.push('ve');
    expect(t.text()).toEqual(['three', 'four', 'five']);
  });
});

describe('describeStderr', () => {
  it('drops ffmpeg prefixes, the file name, noise and repeats', () => {
    const lines = [
      '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d5c] moov atom not found',
      '/x/a.mp4: Invalid data found when processing input',
      '/x/a.mp4: Invalid data found when processing input',
      'Conversion failed!',
    ];
    expect(describeStderr(lines, '/x/a.mp4')).toBe('moov atom not found; Invalid data found when processing input');
  });

  it('explains common causes in plain words', () => {
    expect(explain('moov atom not found')).toMatch(/corrupt or truncated/);
    expect(explain('Invalid data found when processing input')).toMatch(/not a media file/);
    expect(explain('something else')).toBe('something else');
  });
});
