/**
 * Review R10, through the Engine on real files: a library of five recordings from ../shared/media,
 * byte copies of two of them (one whose path sorts before its original, one after) and a real
 * near-silent file (odd/with-attached-pic.mp3, 1 s at about −90 dB), scanned with the real
 * indexer. Playlists (combined and mood space) and `similar` never offer the silent file or two
 * copies of one content, a seed's or an end's copy counts as that track, and the energy curve's
 * levels come from the offered tracks only. Which files are copies and which is silent the test
 * knows because it made the library (and checks with ffmpeg's volumedetect), not from the catalog.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { CuratedTrack } from '../../../electron/contract/types';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { sharedMediaDir } from '../../helpers/media';

const media = await sharedMediaDir();
const root = mkdtempSync(join(tmpdir(), 'nd-silent-copies-'));
const lib = join(root, 'lib');
const at = (...p: string[]): string => join(lib, ...p);

const VIBE = at('music', 'Kevin_MacLeod_-_Vibe_Ace.ogg');
/** Sorts before music/: the copy is the one offered. */
const VIBE_COPY = at('copies', 'Vibe Ace copy.ogg');
const TRUMPET = at('music', 'sorohanro_-_solo-trumpet-06.ogg');
/** Sorts after music/: the original is the one offered. */
const TRUMPET_COPY = at('zz', 'trumpet copy.ogg');
const DRUMS = at('music', 'admiralbob77_-_Choice_-_Drum-bass.ogg');
const WALTZ = at('music', '147793__setuniman__sweet-waltz-0i-22mi.ogg');
const DANCE = at('music', 'Hungarian_Dance_number_5_-_Allegro_in_F_sharp_minor_(string_orchestra).ogg');
const SILENT = at('odd', 'with-attached-pic.mp3');
/** One path per content, the first by path: what curation may offer. */
const OFFERED = [VIBE_COPY, TRUMPET, DRUMS, WALTZ, DANCE].sort();
const COPY_OF = new Map([
  [VIBE, VIBE_COPY],
  [VIBE_COPY, VIBE],
  [TRUMPET, TRUMPET_COPY],
  [TRUMPET_COPY, TRUMPET],
]);

let engine: Engine;
const paths = (tracks: CuratedTrack[]): string[] => tracks.map((t) => t.track.path).sort();

/** Loudest sample of the decoded file in dBFS (ffmpeg volumedetect). */
function maxVolume(file: string): number {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-i', file, '-af', 'volumedetect', '-f', 'null', '-'], { encoding: 'utf8' });
  const m = /max_volume:\s*(-?[\d.]+|-inf) dB/.exec(r.stderr);
  if (!m) throw new Error(`no max_volume for ${file}: ${r.stderr}`);
  return Number(m[1]);
}

describe.skipIf(!media)('curation leaves out near-silent tracks and counts byte copies as one (R10)', () => {
  beforeAll(async () => {
    for (const d of ['music', 'copies', 'zz', 'odd']) mkdirSync(at(d), { recursive: true });
    for (const f of [VIBE, TRUMPET, DRUMS, WALTZ, DANCE]) copyFileSync(join(media!, 'music', f.split('/').pop()!), f);
    copyFileSync(VIBE, VIBE_COPY);
    copyFileSync(TRUMPET, TRUMPET_COPY);
    copyFileSync(join(media!, 'odd', 'with-attached-pic.mp3'), SILENT);
    engine = new Engine(contextFromEnv({}, { dataDir: join(root, 'data'), threads: 1 }));
    const report = await runJob(engine, 'library.scan', { folders: [lib], jobs: 1 });
    expect(report.failed).toEqual([]);
  }, 300_000);

  afterAll(async () => {
    await engine?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('the plant: the copies are byte-identical, the silent file peaks below −60 dBFS, all eight are catalogued', async () => {
    for (const [a, b] of COPY_OF) expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(maxVolume(SILENT)).toBeLessThan(-60);
    expect(maxVolume(DRUMS)).toBeGreaterThan(-20);
    expect((await engine.call('tracks.list', { limit: 100 })).tracks).toHaveLength(8);
  });

  it('similar answers neither the query nor its copy nor the silent file, one path per content, in both spaces', async () => {
    for (const space of ['mood', 'combined'] as const) {
      for (const query of [VIBE, VIBE_COPY]) {
        const got = await engine.call('similar', { track: query, top: 20, space });
        expect(paths(got), `${space} ${query}`).toEqual(OFFERED.filter((p) => p !== VIBE_COPY));
      }
      expect(paths(await engine.call('similar', { track: TRUMPET_COPY, top: 20, space }))).toEqual(OFFERED.filter((p) => p !== TRUMPET));
    }
  });

  it('the silent file as a query, seed or path end is refused with an error naming it', async () => {
    const refused = { code: 'bad-input', file: SILENT, message: expect.stringMatching(/near-silent/) };
    await expect(engine.call('similar', { track: SILENT })).rejects.toMatchObject(refused);
    await expect(engine.call('similar', { track: SILENT, space: 'combined' })).rejects.toMatchObject(refused);
    await expect(runJob(engine, 'playlist.build', { kind: 'more-like', seeds: [SILENT], length: 2 })).rejects.toMatchObject(refused);
    await expect(runJob(engine, 'playlist.build', { kind: 'mood-path', from: DRUMS, to: SILENT, length: 3 })).rejects.toMatchObject(refused);
  });

  it('more-like leaves out the seed’s copy and the silent file, in both spaces; its length counts contents', async () => {
    for (const space of ['mood', 'combined'] as const) {
      for (const seed of [VIBE, VIBE_COPY]) {
        const list = await runJob(engine, 'playlist.build', { kind: 'more-like', seeds: [seed], length: 4, space });
        expect(paths(list.tracks), `${space} ${seed}`).toEqual(OFFERED.filter((p) => p !== VIBE_COPY));
      }
      await expect(runJob(engine, 'playlist.build', { kind: 'more-like', seeds: [VIBE], length: 5, space })).rejects.toThrow(/exceeds the 4 tracks available/);
    }
  });

  it('a mood path has neither end’s copy between its ends; two copies are not a path', async () => {
    const list = await runJob(engine, 'playlist.build', { kind: 'mood-path', from: TRUMPET_COPY, to: VIBE, length: 5 });
    const got = list.tracks.map((t) => t.track.path);
    expect(got[0]).toBe(TRUMPET_COPY);
    expect(got[4]).toBe(VIBE);
    expect(got.slice(1, 4).sort()).toEqual([DRUMS, WALTZ, DANCE].sort());
    await expect(runJob(engine, 'playlist.build', { kind: 'mood-path', from: TRUMPET, to: TRUMPET_COPY, length: 3 })).rejects.toThrow(
      new RegExp(`${TRUMPET.replace(/[.()]/g, '\\$&')} and ${TRUMPET_COPY.replace(/[.()]/g, '\\$&')} are copies of one file`),
    );
  });

  it('an energy curve places each content once, never the silent file, and its levels are quantiles of the offered tracks', async () => {
    const list = await runJob(engine, 'playlist.build', { kind: 'energy', curve: 'low,high', length: 5 });
    expect(paths(list.tracks)).toEqual(OFFERED);
    // Five offered energies: low (15th percentile) lies 0.6 of the way from the lowest to the second, high (85th) 0.4 from the fourth to the fifth.
    const e = list.tracks.map((t) => t.track.energy).sort((x, y) => x - y);
    expect(list.tracks[0].target).toBeCloseTo(e[0] + 0.6 * (e[1] - e[0]), 2);
    expect(list.tracks[4].target).toBeCloseTo(e[3] + 0.4 * (e[4] - e[3]), 2);
    await expect(runJob(engine, 'playlist.build', { kind: 'energy', curve: 'low,high', length: 6 })).rejects.toThrow(/exceeds the 5 tracks available/);
  });
});
