/**
 * A playlist's default name fits the limit on names (session 21, F1). It is made from its seeds'
 * names, and long ones made a name over 200 characters that the save refused, on the CLI as
 * '--name "…" is 254 characters long', a flag the user never typed. Now "More like" names the seeds
 * that fit and counts the others, and a name too long alone is cut after a whole word with "…"; a
 * name the user typed over the limit is still refused (the CLI's side of that: cli-playlists.test.ts).
 *
 * Real engine and CLI on a real SQLite catalog of generated tracks (stored audio features from
 * album-tracks.ts, 128-d mood segments, empty files on disk) whose titles are long sentences.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { needledropWithEnv } from '../../helpers/cli';
import { moodRows, rng } from '../../unit/search/synthetic';
import { albumTrack } from '../similarity/album-tracks';

const WORDS = 'the long slow river of evening light runs under every bridge we built in summer'.split(' ');
/** A title of about `length` characters: words of WORDS, then a number so that no two are alike. */
const sentence = (length: number, n: number): string => {
  const words: string[] = [];
  for (let i = 0; words.join(' ').length < length; i++) words.push(WORDS[(i + n) % WORDS.length]);
  return `${words.join(' ')} ${n}`;
};

/** Titles by track id (1-based): two very long ones, one that fills most of a name, short ones. */
const TITLES = [sentence(190, 1), sentence(150, 2), sentence(90, 3), 'Short four', 'Short five', 'Short six', 'Short seven', 'Short eight', 'Short nine', 'Short ten'];
const MAX = 200;

let root: string;
let data: string;
let engine: Engine;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'nd-default-name-'));
  data = join(root, 'data');
  mkdirSync(join(root, 'music'), { recursive: true });
  mkdirSync(data, { recursive: true });
  const db = openCatalog(join(data, 'catalog.sqlite'));
  const moods = moodRows(rng(5), TITLES.length, 128, 1);
  TITLES.forEach((title, i) => {
    const path = join(root, 'music', `t${i + 1}.ogg`);
    writeFileSync(path, '');
    saveAnalysis(db, {
      file: { path, size: 1000 + i, mtimeMs: 1, hash: `name-${i}` },
      info: { title, artist: null, album: null, duration: 60 },
      summary: {},
      features: albumTrack(i % 3, i, 40),
      segments: { modelVersion: 'base', set: { starts: Float32Array.of(0), data: moods.slice(i * 128, (i + 1) * 128), dim: 128 } },
    });
  });
  db.close();
  engine = new Engine(contextFromEnv({}, { dataDir: data, threads: 1 }));
});

afterAll(async () => {
  await engine?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The longest run of `text`'s whole words (split at spaces) within `room` characters. */
function wholeWords(text: string, room: number): string {
  const words = text.split(' ');
  let kept = '';
  for (const w of words) {
    const next = kept ? `${kept} ${w}` : w;
    if (next.length > room) break;
    kept = next;
  }
  return kept;
}

describe('a default playlist name fits the limit', () => {
  it('"More like": the seeds that fit, then how many more; a first seed too long alone is cut after a word with "…"; the save takes it', { timeout: 60_000 }, async () => {
    const cut = await runJob(engine, 'playlist.build', { kind: 'more-like', seeds: [1, 2, 4], length: 3, space: 'mood' });
    // "More like " (10) + the cut title + "…" + " and 2 more" (11) ≤ 200: the title keeps its whole words within 178.
    expect(cut.name).toBe(`More like ${wholeWords(TITLES[0], MAX - 10 - 11 - 1)}… and 2 more`);
    expect(cut.name.length).toBeLessThanOrEqual(MAX);

    const counted = await runJob(engine, 'playlist.build', { kind: 'more-like', seeds: [4, 5, 3, 2], length: 3, space: 'mood' });
    // Short four, Short five and the 90-character title fit; the 150-character one is counted.
    expect(counted.name).toBe(`More like Short four, Short five, ${TITLES[2]} and 1 more`);

    const whole = await runJob(engine, 'playlist.build', { kind: 'more-like', seeds: [4, 5], length: 3, space: 'mood' });
    expect(whole.name).toBe('More like Short four, Short five');

    // Saved under that name (it was refused: "playlist.save: "name" … at most 200").
    const { id } = await engine.call('playlist.save', { name: cut.name, trackIds: cut.tracks.map((t) => t.track.id), params: cut.params });
    expect((await engine.call('playlist.get', { id })).name).toBe(cut.name);
  });

  it('a mood path between two long titles and an energy curve of 60 levels: cut after a word or a level', { timeout: 60_000 }, async () => {
    const path = await runJob(engine, 'playlist.build', { kind: 'mood-path', from: 1, to: 2, length: 4, space: 'mood' });
    expect(path.name.length).toBeLessThanOrEqual(MAX);
    const [from, to] = path.name.split(' → ');
    // Each end keeps whole words of its title; together they fill the name's room.
    for (const [shown, title] of [[from, TITLES[0]], [to, TITLES[1]]]) {
      expect(shown.endsWith('…')).toBe(true);
      expect(shown.slice(0, -1)).toBe(wholeWords(title, shown.length - 1));
      expect(title.startsWith(`${shown.slice(0, -1)} `)).toBe(true);
    }
    expect(path.name.length).toBeGreaterThan(MAX - 20);

    const levels = Array.from({ length: 60 }, (_, i) => ['low', 'mid', 'high'][i % 3]);
    const energy = await runJob(engine, 'playlist.build', { kind: 'energy', curve: levels.join(','), length: 3, space: 'mood' });
    expect(energy.name.length).toBeLessThanOrEqual(MAX);
    expect(energy.name.endsWith('…')).toBe(true);
    const shownLevels = energy.name.slice('Energy '.length, -1).split(',');
    // Whole levels only, in order.
    expect(shownLevels).toEqual(levels.slice(0, shownLevels.length));
    expect(shownLevels.length).toBeGreaterThan(40);
  });

  it('a name the user gives over the limit is still refused, by the build and by the save', async () => {
    const long = 'n'.repeat(MAX + 1);
    await expect(engine.start('playlist.build', { kind: 'more-like', seeds: [4], length: 3, name: long })).rejects.toMatchObject({ code: 'invalid-request' });
    await expect(engine.call('playlist.save', { name: long, trackIds: [4] })).rejects.toMatchObject({ code: 'invalid-request' });
    expect((await engine.call('playlist.save', { name: 'n'.repeat(MAX), trackIds: [4] })).id).toBeGreaterThan(0);
  });

  it('the CLI: seeds with long titles build and save under the shortened name, with no word of --name', { timeout: 120_000 }, async () => {
    const r = await needledropWithEnv({ NEEDLEDROP_HOME: data }, 'playlist', '--seed', '1', '--seed', '2', '--seed', '4', '--length', '3', '--json');
    expect(r.stderr).not.toContain('--name');
    expect(r.code, r.stderr).toBe(0);
    const built = JSON.parse(r.stdout) as { id: number; name: string };
    expect(built.name).toBe(`More like ${wholeWords(TITLES[0], MAX - 10 - 11 - 1)}… and 2 more`);
    const db = openCatalog(join(data, 'catalog.sqlite'), { readonly: true });
    try {
      expect(db.prepare('SELECT name FROM playlists WHERE id = ?').get(built.id)).toEqual({ name: built.name });
    } finally {
      db.close();
    }
  });
});
