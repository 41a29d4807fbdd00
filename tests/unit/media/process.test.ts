import { describe, expect, it } from 'vitest';
import { describeStderr, explain, mediaArg, StderrTail } from '../../../electron/engine/media/process';

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
    expect(describeStderr(['file:/x/a.mp4: Invalid data found when processing input'], '/x/a.mp4')).toBe('Invalid data found when processing input');
  });

  it('explains common causes in plain words, keeping ffmpeg\'s line as the detail', () => {
    expect(explain('moov atom not found; Invalid data found when processing input')).toBe(
      'the file is cut short or damaged (ffmpeg: moov atom not found; Invalid data found when processing input)',
    );
    expect(explain('Invalid data found when processing input')).toMatch(/^not an audio or video file .*\(ffmpeg: Invalid data found/);
    expect(explain('sample rate not set; Could not write header for output file #0')).toMatch(/^not an audio or video file/);
    expect(explain('Input/output error')).toMatch(/^not an audio or video file/);
    expect(explain('Stream map \'0:a:0\' matches no streams.')).toMatch(/^has no stream of the kind asked for/);
    expect(explain('No such file or directory')).toBe('file not found');
    expect(explain('something else')).toBe('something else');
  });
});

describe('mediaArg', () => {
  it('makes every path an absolute file: URL ffmpeg cannot read as an option or a protocol', () => {
    expect(mediaArg('-x.mp3')).toBe(`file:${process.cwd()}/-x.mp3`);
    expect(mediaArg('a:b.mp3')).toBe(`file:${process.cwd()}/a:b.mp3`);
    expect(mediaArg('/abs/x.mp3')).toBe('file:/abs/x.mp3');
  });
});

describe('describeStderr: ffmpeg\'s output-side lines (review R1.14)', () => {
  it('drops what ffmpeg says of the output it could not set up after the input\'s own cause', () => {
    const lines = [
      '[flac @ 0x5581] sample rate not set',
      'Could not write header for output file #0 (incorrect codec parameters ?): Invalid argument',
      'Error initializing output stream 0:0 --',
      'Conversion failed!',
    ];
    expect(describeStderr(lines, '/x/text.flac')).toBe('sample rate not set');
  });

  it('keeps them when they are all ffmpeg said (an export\'s own failure to write)', () => {
    const lines = ['Could not write header for output file #0 (incorrect codec parameters ?): Invalid argument', 'Conversion failed!'];
    expect(describeStderr(lines, '/x/a.mp4')).toBe('Could not write header for output file #0 (incorrect codec parameters ?): Invalid argument');
  });
});
