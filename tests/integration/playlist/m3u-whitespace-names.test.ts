/**
 * Review R2.2: an M3U entry whose relative path started with a space (" leading space.mp3") was
 * written as is, and mpv (which strips every line: bstr_strip) or VLC (which skips leading blanks)
 * read it as another file. The real CLI indexes untagged tones whose names or folders start with
 * a space or a tab, writes a playlist with --m3u, and the file is read back as mpv does: each line
 * stripped of ASCII whitespace at both ends, '#' lines skipped, the rest resolved against the
 * playlist's folder (or a file:// URL decoded).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropSync } from '../../helpers/cli';
import { makeAudio, tempDir } from '../index/fixtures/media';

let root = '';
const cli = (...args: string[]) => needledropSync({ NEEDLEDROP_HOME: join(root, 'home') }, ...args);
const names = [' leading space.ogg', '\tleading tab.ogg', join(' spaced folder', 'inside.ogg'), 'plain.ogg'];

beforeAll(() => {
  root = tempDir('m3u-space');
  mkdirSync(join(root, 'lib', ' spaced folder'), { recursive: true });
  names.forEach((n, i) => makeAudio(join(root, 'lib', n), { freq: 330 + 110 * i, seconds: 6, noise: i % 2 === 1 }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** mpv's reading of an M3U: every line stripped (mp_isspace: space, \t, \n, \v, \f, \r), blank and '#' lines skipped. */
function asMpvReads(m3u: string): string[] {
  return readFileSync(m3u, 'utf8')
    .split('\n')
    .map((l) => l.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, ''))
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => (l.startsWith('file://') ? fileURLToPath(l) : resolve(dirname(m3u), l)));
}

describe('M3U entries whose path starts with whitespace', () => {
  it('resolve to the files themselves when the lines are stripped as mpv does', () => {
    const indexed = cli('index', join(root, 'lib'), '--jobs', '1', '--json');
    expect(indexed.status, indexed.stderr).toBe(0);
    expect(JSON.parse(indexed.stdout)).toMatchObject({ indexed: names.length });
    // The playlist beside the files: every entry is relative to it.
    const out = join(root, 'lib', 'all.m3u8');
    const r = cli('playlist', '--energy', 'low,high', '--length', String(names.length), '--m3u', out, '--no-save');
    expect(r.status, r.stderr).toBe(0);
    const entries = asMpvReads(out);
    expect(entries.sort()).toEqual(names.map((n) => join(root, 'lib', n)).sort());
    for (const e of entries) expect(existsSync(e), e).toBe(true);
  }, 240_000);
});
