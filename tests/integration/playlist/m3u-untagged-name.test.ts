/**
 * Review S14: an untagged track whose file NAME holds a line break got its #EXTINF title (the
 * name stands in for it) split over two lines, and players read the second half as an extra,
 * relative entry. The real CLI indexes a folder of untagged tones (one named "new⏎line.ogg"),
 * writes a playlist with --m3u, and the file is read back as a player does.
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropSync } from '../../helpers/cli';
import { makeAudio, tempDir } from '../index/fixtures/media';

let root = '';
const cli = (...args: string[]) => needledropSync({ NEEDLEDROP_HOME: join(root, 'home') }, ...args);

beforeAll(() => {
  root = tempDir('m3u-name');
  makeAudio(join(root, 'lib', 'new\nline.ogg'), { freq: 330, seconds: 6 });
  makeAudio(join(root, 'lib', 'plain.ogg'), { freq: 550, seconds: 6, noise: true });
  makeAudio(join(root, 'lib', 'third.ogg'), { freq: 880, seconds: 6 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('an untagged file named with a line break in a written playlist', () => {
  it('has its file-name title on one #EXTINF line, and the list holds exactly its tracks', () => {
    const indexed = cli('index', join(root, 'lib'), '--jobs', '1', '--json');
    expect(indexed.status, indexed.stderr).toBe(0);
    const out = join(root, 'nl.m3u8');
    const r = cli('playlist', '--energy', 'low,high', '--length', '3', '--m3u', out, '--json');
    expect(r.status, r.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    // A player's reading: lines split at CR or LF; each line not starting with "#" is one entry.
    const lines = text.split(/\r\n|\r|\n/).filter((l) => l !== '');
    const entries = lines.filter((l) => !l.startsWith('#')).map((l) => (l.startsWith('file://') ? fileURLToPath(l) : resolve(dirname(out), l)));
    expect(entries.sort()).toEqual(['new\nline.ogg', 'plain.ogg', 'third.ogg'].map((n) => join(root, 'lib', n)).sort());
    expect(lines.filter((l) => l.startsWith('#EXTINF:')).length).toBe(3);
    // Named as every front names it (trackLabel): its file name, the line break shown as \n (session 21).
    expect(lines).toContainEqual(expect.stringMatching(/^#EXTINF:-?\d+,new\\nline\.ogg$/));
  }, 240_000);
});
