import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledrop } from '../helpers/cli';
import * as gen from '../helpers/media';



function processesOn(path: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', path], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

let dir: string;
let cleanup: () => Promise<void>;
const f: Record<string, string> = {};
beforeAll(async () => {
  ({ dir, cleanup } = await gen.tempDir('nd-cli-'));
  f.av = await gen.videoWithAudio(dir, { seconds: 3 });
  f.silent = await gen.solidVideo(dir, { color: 'navy', seconds: 2 });
  f.truncated = await gen.truncated(f.av, dir, 0.5);
  f.empty = await gen.zeroByte(dir);
  f.random = await gen.randomBytes(dir);
  f.text = await gen.textFile(dir);
});
afterAll(() => cleanup?.());

describe('needledrop probe', () => {
  it('prints streams, and one JSON document with --json', async () => {
    const human = await needledrop('probe', f.av);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/video h264 320×180/);
    const json = await needledrop('probe', f.av, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ file: f.av, streams: expect.any(Array) });
  });

  it('exits 2 on usage errors', async () => {
    expect((await needledrop('probe')).code).toBe(2);
    expect((await needledrop('probe', f.av, '--bogus')).code).toBe(2);
  });
});

describe('needledrop features', () => {
  it('prints summary, names, step, T and D as JSON; the matrix only with --matrix', async () => {
    const r = await needledrop('features', f.av, '--start', '1', '--duration', '1.5', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, { T: number; D: number; step: number; names: string[]; matrix?: number[][]; start: number }>;
    expect(doc.audio).toMatchObject({ T: 3, step: 0.5, start: 1 });
    expect(doc.video.names).toHaveLength(doc.video.D);
    expect(doc.video.matrix).toBeUndefined();
    const m = await needledrop('features', f.av, '--video', '--json', '--matrix');
    const md = JSON.parse(m.stdout) as typeof doc;
    expect(md.audio).toBeUndefined();
    expect(md.video.matrix).toHaveLength(md.video.T);
    expect(md.video.matrix![0]).toHaveLength(md.video.D);
  });

  it.each([
    ['a missing file', () => join(dir, 'missing.mp4'), [], /file not found/],
    ['a directory', () => dir, [], /directory/],
    ['a zero-byte file', () => f.empty, [], /empty/],
    ['a file truncated at 50%', () => f.truncated, [], /cut short or damaged/],
    ['random bytes named .mp4', () => f.random, [], /cut short or damaged|not an audio or video file/],
    ['a text file', () => f.text, [], /text file|not an audio or video file/],
    ['a video with no audio asked for audio', () => f.silent, ['--audio'], /no audio stream/],
  ] as const)('exits 1 on %s with the file and cause, no stack, no ffmpeg left', async (_, file, extra, cause) => {
    const path = file();
    const r = await needledrop('features', path, ...extra);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toMatch(cause);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    expect(processesOn(path)).toEqual([]);
  });

  it('exits 2 on bad options', async () => {
    expect((await needledrop('features', f.av, '--start', 'soon')).code).toBe(2);
    expect((await needledrop('features', f.av, '--matrix')).code).toBe(2);
  });
});
