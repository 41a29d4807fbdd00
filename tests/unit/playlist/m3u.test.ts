import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { trackLabel } from '../../../electron/contract/wording';
import { formatM3U, writeM3U, type M3UItem } from '../../../electron/engine/playlist/m3u';

describe('M3U', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'needledrop-m3u-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes extended M3U with durations, the track as every front names it and paths relative to the playlist', async () => {
    const out = path.join(dir, 'lists', 'evening.m3u8');
    const items = [
      { path: path.join(dir, 'lists', 'a.flac'), duration: 201.6, artist: 'Ana', title: 'Dawn' },
      { path: path.join(dir, 'music', 'Björk', 'Jóga.mp3'), duration: 305.2, artist: 'Björk', title: 'Jóga\r\n(live)' },
      { path: path.join(dir, 'music', 'untagged.ogg'), duration: Number.NaN },
    ];
    await mkdir(path.dirname(out));
    await writeM3U(items, out);
    const bytes = await readFile(out);
    expect(bytes.subarray(0, 3).toString('hex')).not.toBe('efbbbf');
    expect(bytes.toString('utf8').split('\n')).toEqual([
      '#EXTM3U',
      '#EXTINF:202,Ana – Dawn',
      'a.flac',
      // Line breaks shown escaped, as the CLI's lists and the app's rows show them (trackLabel).
      '#EXTINF:305,Björk – Jóga\\r\\n(live)',
      path.join('..', 'music', 'Björk', 'Jóga.mp3'),
      '#EXTINF:-1,untagged.ogg',
      path.join('..', 'music', 'untagged.ogg'),
      '',
    ]);
  });

  it('names the playlist file when it cannot be written', async () => {
    const out = path.join(dir, 'missing-folder', 'x.m3u8');
    await expect(writeM3U([], out)).rejects.toThrow(out);
  });

  it('writes only the header for an empty list and uses the artist or title alone when one is missing', () => {
    expect(formatM3U([], dir)).toBe('#EXTM3U\n');
    const text = formatM3U([{ path: path.join(dir, 'x.wav'), duration: 3, title: 'Only title' }], dir);
    expect(text).toBe('#EXTM3U\n#EXTINF:3,Only title\nx.wav\n');
  });

  it('labels by the artist alone (its tag as it is), rounds durations and writes unknown ones as -1', () => {
    const text = formatM3U(
      [
        { path: path.join(dir, 'a.ogg'), duration: 0, artist: '  Solo  ' },
        { path: path.join(dir, 'b.ogg'), duration: -3, title: ' Padded ' },
        { path: path.join(dir, 'c.ogg'), duration: Infinity },
        { path: path.join(dir, 'd.ogg'), duration: 59.5 },
      ],
      dir,
    );
    expect(text.split('\n').filter((l) => l.startsWith('#EXTINF'))).toEqual(['#EXTINF:0,  Solo  ', '#EXTINF:-1, Padded ', '#EXTINF:-1,c.ogg', '#EXTINF:60,d.ogg']);
  });

  // Review R2.2: players strip each line (mpv at both ends, VLC its leading blanks).
  it('keeps an entry starting or ending with whitespace whole when the line is stripped', () => {
    const files = [' lead.ogg', '\tlead-tab.ogg', 'trail.ogg ', 'trail-tab.ogg\t', path.join(' dir', 'x.ogg'), 'mid dle.ogg'].map((n) => path.join(dir, n));
    const lines = formatM3U(files.map((p) => ({ path: p, duration: 1 })), dir)
      .split('\n')
      .map((l) => l.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, ''))
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines.map((l) => (l.startsWith('file://') ? fileURLToPath(l) : path.resolve(dir, l)))).toEqual(files);
    expect(lines.at(-1)).toBe('mid dle.ogg');
  });

  it('writes the absolute path when the entry is the playlist folder itself', () => {
    expect(formatM3U([{ path: dir, duration: 1 }], dir).split('\n')[2]).toBe(path.resolve(dir));
  });

  it('says why the playlist cannot be written: a missing folder, a folder in its place', async () => {
    const missing = path.join(dir, 'missing-folder', 'y.m3u8');
    await expect(writeM3U([], missing)).rejects.toThrow(`${missing}: its folder ${path.dirname(missing)} does not exist`);
    const folder = path.join(dir, 'folder.m3u8');
    await mkdir(folder);
    await expect(writeM3U([], folder)).rejects.toThrow(`${folder}: is a folder`);
  });

  it('writes only a playlist name, replaces an existing file only when forced, and keeps the old bytes when refused', async () => {
    const sub = await mkdtemp(path.join(dir, 'keep-'));
    const track = path.join(sub, 'track.ogg');
    await writeFile(track, 'OggS audio bytes');
    const item = [{ path: track, duration: 5 }];
    for (const name of [track, path.join(sub, 'catalog.sqlite'), path.join(sub, 'list.m3u8.bak'), path.join(sub, 'm3u8')]) {
      await expect(writeM3U(item, name, true)).rejects.toThrow(`${name}: a playlist file must be named .m3u8 or .m3u`);
    }
    expect(await readFile(track, 'utf8')).toBe('OggS audio bytes');
    const list = path.join(sub, 'Mix.M3U');
    await writeM3U(item, list);
    await writeFile(list, 'my edits');
    const refused = await writeM3U(item, list).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'exists', message: `${list}: already exists` });
    expect(await readFile(list, 'utf8')).toBe('my edits');
    await writeM3U([...item, item[0]], list, true);
    expect(await readFile(list, 'utf8')).toBe('#EXTM3U\n#EXTINF:5,track.ogg\ntrack.ogg\n#EXTINF:5,track.ogg\ntrack.ogg\n');
    expect((await readdir(sub)).sort()).toEqual(['Mix.M3U', 'track.ogg']);
  });

  it('a name with a line break or a leading # reads back as the same file (file:// URL, ./#)', () => {
    const items = [
      { path: path.join(dir, 'two\nlines.mp3'), duration: 1, title: 'a\nb' },
      { path: path.join(dir, 'cr\rname.ogg'), duration: 2 },
      { path: path.join(dir, '#1 hit.flac'), duration: 3 },
      { path: path.join(dir, 'plain 100%.wav'), duration: 4 },
    ];
    const text = formatM3U(items, dir);
    // A player's reading: every line not starting with "#" is one entry, a URL or a path relative to the list.
    const entries = text
      .split(/\r?\n/)
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => (l.startsWith('file://') ? fileURLToPath(l) : path.resolve(dir, l)));
    expect(entries).toEqual(items.map((i) => i.path));
    expect(text.split('\n').filter((l) => l.startsWith('#EXTINF')).length).toBe(4);
  });

  // Session 21 (F1): m3u.ts had its own #EXTINF rule (line breaks as spaces, everything else raw);
  // a title or a path holding U+2028, NEL, VT… wrote lines that a reader splitting at every Unicode
  // line break (Python's splitlines) took as entries of their own ("/etc/passwd" here).
  it('names each track as every front does, and no title or path makes a line of its own for any reader', () => {
    const breaks = ['\n#EXTM3U', '\r#EXTINF:1,x\r', '\u2028', '\u2029', '\u0085', '\v', '\f', '\u001c', '\u001e', '\u0007'];
    const items: M3UItem[] = breaks.map((b, i) => ({ path: path.join(dir, `p${i}${b}/etc/passwd.ogg`), duration: i, title: `t${i}${b}/etc/passwd`, artist: i % 2 ? `A${b}` : null }));
    items.push({ path: path.join(dir, `untagged${breaks[2]}name.ogg`), duration: 1 });
    const text = formatM3U(items, dir);
    // The widest reading: every Unicode line break ends a line.
    const lines = text.split(/\r\n|[\n\r\v\f\u001c-\u001e\u0085\u2028\u2029]/);
    expect(lines).toHaveLength(1 + 2 * items.length + 1);
    expect(lines[0]).toBe('#EXTM3U');
    expect(lines.at(-1)).toBe('');
    const body = lines.slice(1, -1);
    expect(body.map((l) => l.startsWith('#EXTINF:'))).toEqual(items.flatMap(() => [true, false]));
    const entries = body.filter((_, k) => k % 2 === 1).map((l) => (l.startsWith('file://') ? fileURLToPath(l) : path.resolve(dir, l)));
    expect(entries).toEqual(items.map((i) => i.path));
    // Each label is the one rule's (what the CLI lists and the app shows), and the file holds no control character but its LFs.
    const labels = body.filter((_, k) => k % 2 === 0).map((l) => l.slice(l.indexOf(',') + 1));
    expect(labels).toEqual(items.map((i) => trackLabel({ artist: i.artist ?? null, title: i.title ?? null, path: i.path })));
    expect(text.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  });
});
