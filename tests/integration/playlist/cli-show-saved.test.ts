/**
 * Review R2.1: a saved playlist could be listed, renamed and deleted from the CLI, but its tracks
 * never printed nor its M3U8 written again. The real CLI builds and saves a playlist with --m3u;
 * `playlist --show ID|NAME` then lists the same tracks in the same order (text and --json), and
 * `--show ID --m3u` writes the same bytes as the first M3U8 (the same writer, the same folder).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropSync } from '../../helpers/cli';
import { makeAudio, tempDir } from '../index/fixtures/media';

let root = '';
const cli = (...args: string[]) => needledropSync({ NEEDLEDROP_HOME: join(root, 'home') }, ...args);

beforeAll(() => {
  root = tempDir('show-saved');
  makeAudio(join(root, 'lib', 'a tone.ogg'), { freq: 330, seconds: 6, title: 'Low', artist: 'Tester' });
  makeAudio(join(root, 'lib', 'noise.ogg'), { seconds: 6, noise: true });
  makeAudio(join(root, 'lib', 'high.ogg'), { freq: 880, seconds: 6 });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('playlist --show', () => {
  it('prints a saved playlist’s tracks in order and writes its M3U8 as the new playlist’s', () => {
    const indexed = cli('index', join(root, 'lib'), '--jobs', '1');
    expect(indexed.status, indexed.stderr).toBe(0);
    const first = join(root, 'first.m3u8');
    const built = cli('playlist', '--energy', 'low,high', '--length', '3', '--name', 'Arc two', '--m3u', first, '--json');
    expect(built.status, built.stderr).toBe(0);
    const fresh = JSON.parse(built.stdout) as { id: number; tracks: Array<{ position: number; track: { id: number; path: string } }> };
    const paths = fresh.tracks.map((t) => t.track.path);
    expect(paths.length).toBeGreaterThan(0);

    const json = cli('playlist', '--show', String(fresh.id), '--json');
    expect(json.status, json.stderr).toBe(0);
    const shown = JSON.parse(json.stdout) as { id: number; name: string; tracks: Array<{ position: number; track: { id: number; path: string } }> };
    expect(shown).toMatchObject({ id: fresh.id, name: 'Arc two', length: paths.length });
    expect(shown.tracks.map((t) => [t.position, t.track.id, t.track.path])).toEqual(fresh.tracks.map((t) => [t.position, t.track.id, t.track.path]));

    // By its name, as text: a header naming it and one line per track ending with its path, in order.
    const text = cli('playlist', '--show', 'Arc two');
    expect(text.status, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^#${fresh.id} "Arc two" \\(${paths.length} tracks?, saved .*\\):$`));
    expect(lines.slice(1).map((l) => l.slice(l.lastIndexOf('  ') + 2))).toEqual(paths);
    expect(lines.slice(1).some((l) => l.includes('Tester – Low')) || !paths.includes(join(root, 'lib', 'a tone.ogg'))).toBe(true);

    const again = join(root, 'again.m3u8');
    const m3u = cli('playlist', '--show', `#${fresh.id}`, '--m3u', again);
    expect(m3u.status, m3u.stderr).toBe(0);
    expect(m3u.stderr).toContain(`playlist: wrote ${again}`);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(first, 'utf8'));
    // An existing file is kept without --force, as for a new playlist.
    expect(cli('playlist', '--show', String(fresh.id), '--m3u', again).status).toBe(1);
    expect(cli('playlist', '--show', String(fresh.id), '--m3u', again, '--force').status).toBe(0);
    // Not a build option: --show with --length is the command line's shape.
    expect(cli('playlist', '--show', String(fresh.id), '--length', '3').status).toBe(2);
  }, 300_000);
});
