/**
 * Review R2.6: a track's energy (the map's calm ↔ energetic, the energy curve, match's why) was its
 * whole-track RMS, so a quiet master of a drum-and-bass track read calm and a loud slow pad
 * energetic. On real files made with ffmpeg and indexed by the real Engine (real SQLite):
 *
 * - one recording at two masters, −30 LUFS (a gain) and −10 LUFS (+30 dB into a limiter), reads
 *   within 0.05 of itself, and its quiet master above a slow sine pad mastered at −10 LUFS;
 * - five tracks built from calm to energetic (60 BPM sine pad; 80 BPM sine plucks; 100 BPM
 *   harmonic plucks on eighths with a soft kick; 128 BPM kick, noise hats and bass; 174 BPM noise
 *   snare and sixteenth-note noise hats over a kick), each set to −20 LUFS, read in that order
 *   (Spearman ≥ 0.9: at most one neighbouring pair swapped);
 * - a low → high energy curve over the whole library lists those five in that order (Spearman ≥ 0.9)
 *   and the recording's quiet master after the loud pad.
 *
 * The truths are the construction and ffmpeg's own ebur128 loudness, never the engine's numbers.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { RequestOf, Results } from '../../../electron/contract/operations';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { sharedMediaDir } from '../../helpers/media';

const media = await sharedMediaDir();
const root = mkdtempSync(join(tmpdir(), 'nd-track-energy-'));
const music = join(root, 'music');
const SECONDS = 10;

function ffmpeg(args: string[]): string {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-nostats', '-v', 'info', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
  return r.stderr;
}

/** Integrated loudness (LUFS) as ffmpeg's ebur128 filter measures the decoded file. */
function lufs(file: string): number {
  const m = /Integrated loudness:\s+I:\s+(-?[\d.]+) LUFS/.exec(ffmpeg(['-i', file, '-af', 'ebur128', '-f', 'null', '-']));
  if (!m) throw new Error(`no integrated loudness for ${file}`);
  return Number(m[1]);
}

/** A kick: a 55 Hz sine dying away from each beat. */
const kick = (beat: number): string => `sin(2*PI*55*mod(t,${beat}))*exp(-8*mod(t,${beat}))`;
const noise = (k: number): string => `(2*random(${k})-1)`;

/** Calm → energetic, by construction: tempo, attacks per beat, brightness and noise all rise. */
const GRADED: Array<{ name: string; bpm: number; wave: (beat: number) => string }> = [
  { name: 'e0-pad-60', bpm: 60, wave: (b) => `0.2*(sin(2*PI*220*t)+sin(2*PI*277.2*t)+sin(2*PI*329.6*t))*(0.7+0.3*sin(2*PI*t/(4*${b})))` },
  { name: 'e1-plucks-80', bpm: 80, wave: (b) => `0.5*sin(2*PI*440*t)*exp(-3*mod(t,${b}))+0.1*(sin(2*PI*220*t)+sin(2*PI*329.6*t))` },
  { name: 'e2-keys-100', bpm: 100, wave: (b) => `0.4*(sin(2*PI*440*t)+0.5*sin(2*PI*880*t)+0.33*sin(2*PI*1320*t))*exp(-6*mod(t,${b}/2))+0.4*${kick(b)}` },
  { name: 'e3-groove-128', bpm: 128, wave: (b) => `0.6*${kick(b)}+0.25*${noise(0)}*exp(-40*mod(t,${b}/2))+0.3*sin(2*PI*110*t)*exp(-5*mod(t,${b}/2))` },
  { name: 'e4-drums-174', bpm: 174, wave: (b) => `0.6*${kick(b)}+0.5*${noise(0)}*exp(-25*mod(t-${b},2*${b}))+0.5*${noise(1)}*exp(-60*mod(t,${b}/4))` },
];

/** Render `wave` and set it to `target` LUFS by one gain, from ebur128's reading of the render (a gain leaves the music as it is). */
function render(name: string, wave: string, target: number): string {
  const raw = join(root, `${name}.wav`);
  ffmpeg(['-y', '-f', 'lavfi', '-i', `aevalsrc='${wave}':s=22050:d=${SECONDS}`, '-c:a', 'pcm_s16le', raw]);
  const out = join(music, `${name}.ogg`);
  ffmpeg(['-y', '-i', raw, '-af', `volume=${(target - lufs(raw)).toFixed(2)}dB`, '-c:a', 'libvorbis', out]);
  return out;
}

const CHOICE = 'admiralbob77_-_Choice_-_Drum-bass.ogg';
const file = (name: string): string => join(music, `${name}.ogg`);
let engine: Engine;
const energyOf = new Map<string, number>();
const idOf = new Map<string, number>();

/** playlist.build, a job (review R2.10: progress and cancel). */
function buildPlaylist(req: RequestOf<'playlist.build'>): Promise<Results['playlist.build']> {
  return runJob(engine, 'playlist.build', req);
}

/** Spearman's rank correlation of two lists without ties. */
function spearman(a: number[], b: number[]): number {
  const rank = (x: number[]): number[] => {
    const order = x.map((v, i) => [v, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(x.length);
    order.forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  const d2 = ra.reduce((s, r, i) => s + (r - rb[i]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

beforeAll(async () => {
  mkdirSync(music, { recursive: true });
  for (const g of GRADED) render(g.name, g.wave(60 / g.bpm), -20);
  if (media) {
    const source = join(media, 'music', CHOICE);
    const at = lufs(source);
    // Its first 12 s (of 25): both masters cut from the same part.
    ffmpeg(['-y', '-i', source, '-t', '12', '-af', `volume=${(-30 - at).toFixed(2)}dB`, '-c:a', 'libvorbis', file('choice-quiet')]);
    // A loudness-war master: +30 dB into a limiter at −1 dBFS.
    ffmpeg(['-y', '-i', source, '-t', '12', '-af', 'volume=30dB,alimiter=limit=0.89:level=false', '-c:a', 'libvorbis', file('choice-loud')]);
    ffmpeg(['-y', '-i', file('e0-pad-60'), '-af', 'volume=10dB', '-c:a', 'libvorbis', file('pad-loud')]);
  }
  engine = new Engine(contextFromEnv({}, { dataDir: join(root, 'data'), threads: 1 }));
  const report = await runJob(engine, 'library.scan', { folders: [music], jobs: 1 });
  expect(report.failed).toEqual([]);
  for (const t of (await engine.call('tracks.list', { limit: 100 })).tracks) {
    const name = t.path.slice(music.length + 1).replace(/\.ogg$/, '');
    energyOf.set(name, t.energy);
    idOf.set(name, t.id);
  }
}, 300_000);

afterAll(async () => {
  await engine?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('track energy follows the music, not the master (R2.6)', () => {
  it.skipIf(!media)('one recording at −30 and −10 LUFS reads within 0.05; its quiet master is above a slow pad at −10 LUFS', () => {
    // The plant: the masters are 18 LU or more apart, the loud pad is 10 LU above the graded set.
    const quiet = lufs(file('choice-quiet'));
    const loud = lufs(file('choice-loud'));
    expect(loud - quiet).toBeGreaterThan(18);
    expect(lufs(file('pad-loud'))).toBeGreaterThan(-11);
    const [q, l, pad] = ['choice-quiet', 'choice-loud', 'pad-loud'].map((n) => energyOf.get(n)!);
    expect(Math.abs(q - l), `quiet ${q}, loud ${l}`).toBeLessThanOrEqual(0.05);
    expect(q).toBeGreaterThan(pad + 0.3);
  });

  it('five tracks built calm → energetic at one loudness read in that order (Spearman ≥ 0.9)', () => {
    const energies = GRADED.map((g) => energyOf.get(g.name)!);
    expect(spearman(GRADED.map((_, k) => k), energies), energies.join(' ')).toBeGreaterThanOrEqual(0.9);
    expect(energies[4] - energies[0]).toBeGreaterThan(0.5);
  });

  it('a low → high energy curve lists the five in their built order', async () => {
    const list = await buildPlaylist({ kind: 'energy', curve: 'low,high', length: idOf.size });
    expect(list.tracks).toHaveLength(idOf.size);
    const position = new Map(list.tracks.map((t, i) => [t.track.id, i]));
    const positions = GRADED.map((g) => position.get(idOf.get(g.name)!)!);
    // Spearman, not the exact order: the curve's ends are its 15th and 85th percentiles, so the two tracks above the last target may take either order.
    const shown = list.tracks.map((t) => `${t.track.energy}@${t.target!.toFixed(3)}`).join(' ');
    expect(spearman(GRADED.map((_, k) => k), positions), `positions ${positions.join(' ')}; energy@target ${shown}`).toBeGreaterThanOrEqual(0.9);
    // The quiet master of the drum-and-bass comes after the loud master of the slow pad.
    if (media) expect(position.get(idOf.get('choice-quiet')!)!).toBeGreaterThan(position.get(idOf.get('pad-loud')!)!);
    // The curve rises: each entry's asked energy is at least the one before.
    for (let i = 1; i < list.tracks.length; i++) expect(list.tracks[i].target!).toBeGreaterThanOrEqual(list.tracks[i - 1].target! - 1e-9);
  });
});
