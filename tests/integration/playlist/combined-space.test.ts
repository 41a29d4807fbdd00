/**
 * Playlists on the combined space, through the Engine on a planted library of real audio files:
 * two timbral groups (soft harmonic tones, A; a bright square wave in noise, B) whose loudness
 * levels cross (each group spans the same range), indexed with the real analyser and the shipped
 * model. Truths come from the plant and from ffmpeg's own astats RMS of each file, never from the
 * engine: more-like of an A track returns the A tracks first, a mood path from A to B changes group
 * once and steps in loudness no more than random orders do, an energy curve follows the asked
 * levels in the music (the noisy group high, whatever the loudness), and every entry's why adds up
 * to its score.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { CuratedTrack, Playlist } from '../../../electron/contract/types';
import { loadLibrary } from '../../../electron/engine/app/library';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { SPACE_WEIGHTS } from '../../../electron/engine/similarity/space';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { MusicSpaceCache } from '../../../electron/engine/service/music-space';

const root = mkdtempSync(join(tmpdir(), 'nd-playlist-combined-'));
const music = join(root, 'music');
const dataDir = join(root, 'data');
const PER_GROUP = 8;
/** Loudness levels (dB of gain); group B takes them in another order so energy does not tell the groups apart. */
const LEVELS = [-30, -26, -22, -18, -14, -10, -6, -3];
const B_ORDER = [5, 2, 7, 0, 3, 6, 1, 4];

let engine: Engine;
/** file path → { group, measured RMS dB (ffmpeg astats) }. */
const truth = new Map<string, { group: 'A' | 'B'; rms: number }>();
const idOf = new Map<string, number>();

function ffmpeg(args: string[]): string {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostats', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  return r.stderr;
}

/** Whole-file RMS level in dB as ffmpeg's astats measures it from the decoded audio. */
function astatsRms(file: string): number {
  const out = ffmpeg(['-i', file, '-af', 'astats=measure_overall=RMS_level:measure_perchannel=none', '-f', 'null', '-']);
  const m = /RMS level dB:\s*(-?[\d.]+|-inf)/.exec(out);
  if (!m) throw new Error(`no RMS level for ${file}`);
  return Number(m[1]);
}

function makeTrack(group: 'A' | 'B', k: number): string {
  const f = 180 + 23 * k;
  const wave = group === 'A' ? `0.6*sin(2*PI*${f}*t)+0.25*sin(2*PI*${2 * f}*t)+0.1*sin(2*PI*${3 * f}*t)` : `0.45*sgn(sin(2*PI*${f}*t))+0.45*(random(0)*2-1)`;
  const gain = group === 'A' ? LEVELS[k] : LEVELS[B_ORDER[k]];
  const file = join(music, `${group}${k}.ogg`);
  ffmpeg(['-v', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc='${wave}':s=22050:d=20`, '-af', `volume=${gain}dB`, '-c:a', 'libvorbis', file]);
  truth.set(file, { group, rms: astatsRms(file) });
  return file;
}

beforeAll(async () => {
  mkdirSync(music, { recursive: true });
  for (let k = 0; k < PER_GROUP; k++) {
    makeTrack('A', k);
    makeTrack('B', k);
  }
  engine = new Engine(contextFromEnv({}, { dataDir, threads: 1 }));
  await runJob(engine, 'library.scan', { folders: [music], jobs: 1 });
  const tracks = await engine.call('tracks.list', { limit: 100 });
  for (const t of tracks.tracks) idOf.set(t.path, t.id);
  expect(idOf.size).toBe(2 * PER_GROUP);
}, 300_000);

afterAll(async () => {
  await engine?.close();
  rmSync(root, { recursive: true, force: true });
});

const groupOf = (t: CuratedTrack): 'A' | 'B' => truth.get(t.track.path)!.group;
const rmsOf = (t: CuratedTrack): number => truth.get(t.track.path)!.rms;
const file = (group: 'A' | 'B', k: number): string => join(music, `${group}${k}.ogg`);

/** Every entry's why: weights as SPACE_WEIGHTS says for the kind, summing to 1, and score = Σ weight · cosine. */
function expectWhyAddsUp(list: Playlist, weights: { music: number; mood: number }): void {
  for (const t of list.tracks) {
    expect(t.why).toBeDefined();
    const why = t.why!;
    const mood = why.filter((w) => w.space.startsWith('mood:'));
    const rest = why.filter((w) => !w.space.startsWith('mood:'));
    expect(mood).toHaveLength(1);
    expect(mood[0].weight).toBeCloseTo(weights.mood, 3);
    expect(rest.reduce((s, w) => s + w.weight, 0)).toBeCloseTo(weights.music, 3);
    expect(why.reduce((s, w) => s + w.weight * w.cosine, 0)).toBeCloseTo(t.score, 2);
  }
}

describe('playlists on the combined space', () => {
  it('more-like of an A track lists the other A tracks first, whatever their loudness', async () => {
    const seed = idOf.get(file('A', 3))!;
    const list = await runJob(engine, 'playlist.build', { kind: 'more-like', seeds: [seed], length: PER_GROUP + 2 });
    expect(list.params.space).toBe('combined');
    expect(list.tracks.slice(0, PER_GROUP - 1).map(groupOf)).toEqual(Array(PER_GROUP - 1).fill('A'));
    expectWhyAddsUp(list, SPACE_WEIGHTS['more-like']);
    // The same from the B side.
    const fromB = await runJob(engine, 'playlist.build', { kind: 'more-like', seeds: [idOf.get(file('B', 0))!], length: PER_GROUP - 1 });
    expect(fromB.tracks.map(groupOf)).toEqual(Array(PER_GROUP - 1).fill('B'));
  });

  it('a mood path from a quiet A track to a loud B track changes group once and steps in loudness less than random orders', async () => {
    const from = file('A', 0);
    const to = file('B', B_ORDER.indexOf(7));
    const length = 8;
    const list = await runJob(engine, 'playlist.build', { kind: 'mood-path', from: idOf.get(from)!, to: idOf.get(to)!, length });
    expect(list.tracks[0].track.path).toBe(from);
    expect(list.tracks[length - 1].track.path).toBe(to);
    expectWhyAddsUp(list, SPACE_WEIGHTS['mood-path']);
    const groups = list.tracks.map(groupOf);
    const switches = groups.slice(1).filter((g, i) => g !== groups[i]).length;
    expect(switches).toBe(1);
    // Smoothness in measured loudness: Σ |Δ RMS dB| between neighbours, against random orders of the same interior.
    const rough = (rms: number[]): number => rms.slice(1).reduce((s, r, i) => s + Math.abs(r - rms[i]), 0);
    const rms = list.tracks.map(rmsOf);
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const random = Array.from({ length: 200 }, () => {
      const interior = rms.slice(1, -1).sort(() => rand() - 0.5);
      return rough([rms[0], ...interior, rms[length - 1]]);
    }).sort((a, b) => a - b);
    expect(rough(rms)).toBeLessThanOrEqual(random[100]);
  });

  it('an energy curve follows the asked levels in the music, not in loudness: the soft tones low, the noisy square waves high', async () => {
    const list = await runJob(engine, 'playlist.build', { kind: 'energy', curve: 'low,high,low', length: 7 });
    expectWhyAddsUp(list, SPACE_WEIGHTS.energy);
    // Energy follows the music (app/energy.ts, review R2.6): the bright, noisy B group is the
    // energetic one at every level; both groups span the same loudness, so loudness cannot say it.
    const groups = list.tracks.map(groupOf);
    expect(groups[0]).toBe('A');
    expect(groups[3]).toBe('B');
    expect(groups[6]).toBe('A');
    expect(new Set(list.tracks.map((t) => t.track.id)).size).toBe(7);
  });

  it("'mood' asks for the cross-modal space alone: no why, a plain cosine", async () => {
    const list = await runJob(engine, 'playlist.build', { kind: 'more-like', seeds: [idOf.get(file('A', 1))!], length: 3, space: 'mood' });
    expect(list.params.space).toBeUndefined();
    for (const t of list.tracks) expect(t.why).toBeUndefined();
  });
});

describe('MusicSpaceCache', () => {
  it('reads each space once per catalog state and model version, and again after the state changes', async () => {
    const db = openCatalog(join(dataDir, 'catalog.sqlite'));
    try {
      const lib = loadLibrary(db, 'base');
      const cache = new MusicSpaceCache();
      const first = await cache.space(lib, dataDir, 'more-like');
      const again = await cache.space(lib, dataDir, 'more-like');
      expect(again).toBe(first);
      await cache.space(lib, dataDir, 'mood-path');
      expect(cache.reads).toEqual({ stats: 1, learned: 1, mood: 1 });
      // Vectors the same as a fresh computation would give (the cache is not stale for this state).
      const fresh = await new MusicSpaceCache().space(lib, dataDir, 'more-like');
      expect(Array.from(first.trackVectors())).toEqual(Array.from(fresh.trackVectors()));
      cache.clear();
      await cache.space(lib, dataDir, 'more-like');
      expect(cache.reads).toEqual({ stats: 2, learned: 2, mood: 2 });
      // Another model version's library is another mood space.
      const other = { ...lib, version: 'other' };
      await cache.space(other, dataDir, 'more-like');
      expect(cache.reads.mood).toBe(3);
    } finally {
      db.close();
    }
  });
});
