/**
 * The real CLI on a folder of four tones, one untagged and named with a line break, one whose title
 * tag holds one.
 * Review R1.4: `playlist` and `similar` printed titles and paths raw, so one entry spilled over two
 * lines; each entry is now one line, its control characters escaped (\n), and unescaping gives back
 * the title and the path the test wrote.
 * Review R1.5: `--length N` above what the library offers exited 2 with the usage line; it is now the
 * app's rule (the shorter list, said on stderr as Explore says it), and a request the library cannot
 * serve at all exits 1 without the usage line.
 * Review R3.7: the saved playlists' listing and messages (--list, saved, renamed, would delete)
 * printed names raw, and a default name comes from the seed's file name; they are one line now,
 * bidi controls and backslashes escaped too.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropSync } from '../../helpers/cli';
import { makeAudio, tempDir } from '../index/fixtures/media';

const root = tempDir('cli-listing');
const cli = (...args: string[]) => needledropSync({ NEEDLEDROP_HOME: join(root, 'home') }, ...args);
const lib = (name: string): string => join(root, 'lib', name);
const NEWLINE_NAME = lib('new\nline.ogg');
const TITLE = 'Line1\nLine2, with comma';
const TAGGED = lib('tagged.ogg');
const ALL = [NEWLINE_NAME, TAGGED, lib('plain.ogg'), lib('third.ogg')];

/** The inverse of the listing's escapes, written from their description (\\, \n, \r, \t, \xNN, \uNNNN). */
const unescape = (s: string): string =>
  s.replace(/\\(\\|n|r|t|x[0-9a-f]{2}|u[0-9a-f]{4})/g, (_, e: string) =>
    e === '\\' ? '\\' : e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : String.fromCharCode(parseInt(e.slice(1), 16)),
  );

beforeAll(() => {
  makeAudio(NEWLINE_NAME, { freq: 330, seconds: 6 });
  makeAudio(TAGGED, { freq: 440, seconds: 6, title: TITLE });
  makeAudio(lib('plain.ogg'), { freq: 550, seconds: 6, noise: true });
  makeAudio(lib('third.ogg'), { freq: 880, seconds: 6 });
  const indexed = cli('index', join(root, 'lib'), '--jobs', '1');
  if (indexed.status !== 0) throw new Error(indexed.stderr);
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('playlist and similar listings (R1.4)', () => {
  it('one line per entry, with the title and the path given back by unescaping', () => {
    const r = cli('playlist', '--energy', 'low,high', '--length', '4');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    // The header, then one line per track.
    expect(lines).toHaveLength(5);
    const entries = lines.slice(1);
    expect(entries.every((l) => /^\s+\d+\. /.test(l))).toBe(true);
    const byPath = (p: string): string | undefined => entries.find((l) => unescape(l).endsWith(`  ${p}`));
    for (const p of ALL) expect(byPath(p), p).toBeDefined();
    expect(unescape(byPath(TAGGED)!)).toContain(` ${TITLE}  `);
    expect(byPath(TAGGED)).toContain('Line1\\nLine2, with comma');
    expect(byPath(NEWLINE_NAME)).toContain('new\\nline.ogg');
  }, 240_000);

  it('similar: one line per entry too', () => {
    const r = cli('similar', lib('third.ogg'), '--top', '3');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.slice(1).map((l) => unescape(l).slice(unescape(l).lastIndexOf('  ') + 2)).sort()).toEqual([NEWLINE_NAME, TAGGED, lib('plain.ogg')].sort());
  }, 240_000);
});

describe('playlist --length above what the library offers (R1.5)', () => {
  it('writes the shorter list and says so, as the app does', () => {
    const out = join(root, 'odd.m3u8');
    const r = cli('playlist', '--energy', 'low,high', '--length', '20', '--m3u', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('playlist: 4 of the 20 asked: all the library offers for it');
    expect(r.stderr).not.toContain('usage:');
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(5);
    expect(readFileSync(out, 'utf8').split('\n').filter((l) => l.startsWith('#EXTINF:'))).toHaveLength(4);
  }, 240_000);

  it('a request the library cannot serve at all exits 1, without the usage line', () => {
    // Every track a seed: nothing is left to offer.
    const r = cli('playlist', ...ALL.flatMap((p) => ['--seed', p]), '--length', '2');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('exceeds the 0 tracks available');
    expect(r.stderr).not.toContain('usage:');
  }, 240_000);
});

describe('saved playlist names on one line (R3.7)', () => {
  // A right-to-left override, a real backslash-n and a line break: each shown escaped, read back whole.
  const RENAMED = 'Mix\u202eevil \\n not a break\nsecond line';

  it('saved, --list, renamed and would-delete lines are one line each, the names given back by unescaping', () => {
    const made = cli('playlist', '--seed', NEWLINE_NAME, '--length', '2');
    expect(made.status, made.stderr).toBe(0);
    const saved = /^playlist: saved in the catalog as #(\d+) "(.*)"$/m.exec(made.stderr);
    expect(made.stderr.trimEnd().split('\n').every((l) => l.startsWith('playlist: ')), made.stderr).toBe(true);
    expect(saved?.[2]).toBe('More like new\\nline.ogg');
    const id = saved![1];
    expect(made.stdout.split('\n')[0]).toMatch(/^More like new\\nline\.ogg \(2 tracks, /);

    const renamed = cli('playlist', '--rename', `#${id}`, RENAMED);
    expect(renamed.status, renamed.stderr).toBe(0);
    expect(renamed.stdout.trimEnd().split('\n')).toHaveLength(1);
    const both = /^renamed playlist #\d+ "(.*)" to "(.*)"$/.exec(renamed.stdout.trimEnd());
    expect(both?.slice(1).map(unescape)).toEqual(['More like new\nline.ogg', RENAMED]);
    expect(renamed.stdout).not.toMatch(/[\u202a-\u202e]/);

    const json = cli('playlist', '--list', '--json');
    const listed = (JSON.parse(json.stdout) as { playlists: Array<{ id: number; name: string }> }).playlists;
    expect(listed.find((p) => String(p.id) === id)?.name).toBe(RENAMED);
    const text = cli('playlist', '--list');
    expect(text.status, text.stderr).toBe(0);
    const rows = text.stdout.trimEnd().split('\n').slice(1);
    // One row per saved playlist, each "#id  tracks  saved  name", the name given back by unescaping.
    expect(rows).toHaveLength(listed.length);
    expect(rows.map((l) => unescape(l.split(/\s{2,}/).slice(3).join('  ')))).toEqual(listed.map((p) => p.name));

    const dry = cli('playlist', '--delete', `#${id}`);
    expect(dry.status).toBe(1);
    expect(dry.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(unescape(/"(.*)"/.exec(dry.stderr)![1])).toBe(RENAMED);
  }, 240_000);
});
