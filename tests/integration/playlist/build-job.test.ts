/**
 * Review R2.10 (rest): building a playlist is a job. A 200-track energy curve held the engine for
 * minutes as a plain call: no progress, no cancel, and the Library's search waited for it. Here, on
 * the real Engine over a synthetic catalog of N tracks (one 128-d segment each, in clusters of ten
 * around mood directions as albums are; empty files on disk, so curation offers every one), a long
 * build reports its phases, other calls are answered while it runs, a cancel ends it as cancelled
 * with nothing saved, and each kind gives the tracks the plain function (buildPlaylist) gives on a
 * library loaded apart from the engine. The CLI's Ctrl-C during a build exits 130 with no M3U
 * written and nothing saved.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { RequestOf } from '../../../electron/contract/operations';
import type { EngineEvent, Playlist, ProgressEvent } from '../../../electron/contract/types';
import { buildPlaylist, type PlaylistRequest } from '../../../electron/engine/app/curate';
import { loadLibrary } from '../../../electron/engine/app/library';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { listPlaylists } from '../../../electron/engine/catalog/playlists';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { AUDIO_NAMES, AUDIO_SPEC } from '../../../electron/engine/features/spec';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { cliArgv, REPO_ROOT } from '../../helpers/cli';
import { jobEndOf } from '../../helpers/job-end';
import { moodRows, rng } from '../../unit/search/synthetic';

/** Tracks in the catalog, and the length of the long build (the app's Length goes to 200). */
const N = 2000;
const LONG = 200;
const D = 128;

const root = mkdtempSync(join(tmpdir(), 'nd-build-job-'));
const data = join(root, 'data');
const catalogPath = join(data, 'catalog.sqlite');
let engine: Engine;
const events: EngineEvent[] = [];

/** The plain function's playlist for a request, on a library loaded from the catalog apart from the engine. */
function plainBuild(req: PlaylistRequest, length: number): Playlist {
  const db = openCatalog(catalogPath, { readonly: true });
  try {
    return buildPlaylist(loadLibrary(db, 'base'), req, length, undefined, undefined, { atMost: true });
  } finally {
    db.close();
  }
}

/** Ids and scores in order: what must be the same. */
const tracksOf = (p: Playlist): Array<[number, number]> => p.tracks.map((t) => [t.track.id, t.score]);

/** The app's request (Length is the most wanted), in the mood space the plain function ranks by by default. */
const energyReq = { kind: 'energy', curve: 'low,high', length: LONG, atMost: true, space: 'mood' } as const satisfies RequestOf<'playlist.build'>;

/** A catalog of `n` synthetic tracks at `catalog`, their (empty) files under `music`. */
function syntheticCatalog(catalog: string, music: string, n: number): void {
  mkdirSync(dirname(catalog), { recursive: true });
  const db = openCatalog(catalog);
  const rand = rng(2010);
  db.transaction(() => {
    for (let s = 0; s < n; s += 10) {
      const folder = join(music, `album-${s / 10}`);
      mkdirSync(folder, { recursive: true });
      const rows = moodRows(rand, 10, D, 1);
      // An album's tracks share their analysis, so their energies tie (as the analyser's rounded values
      // often do) and the order smoothing has moves to weigh: both phases run.
      const summary = { bpm: 60 + rand() * 120, key: 'C', mode: 'major' as const, energy: Math.round(2300 * rand() ** 1.5) / 10_000, loudness: -14 };
      const features = { start: 0, step: 0.5, names: [...AUDIO_NAMES], data: Float32Array.from({ length: 4 * AUDIO_NAMES.length }, () => rand()), T: 4, D: AUDIO_NAMES.length, spec: AUDIO_SPEC.version };
      for (let k = 0; k < 10; k++) {
        const path = join(folder, `track-${k}.ogg`);
        writeFileSync(path, '');
        saveAnalysis(db, {
          file: { path, size: 1000 + s + k, mtimeMs: 1, hash: `synthetic-${s + k}` },
          info: { title: `Track ${k}`, artist: `Album ${s / 10}`, album: null, duration: 120 },
          summary,
          features,
          segments: { modelVersion: 'base', set: { starts: new Float32Array([0]), dim: D, data: rows.slice(k * D, (k + 1) * D) } },
        });
      }
    }
  })();
  db.close();
}

beforeAll(() => {
  syntheticCatalog(catalogPath, join(root, 'music'), N);
  engine = new Engine(contextFromEnv({}, { dataDir: data, threads: 1 }));
  engine.subscribe((e) => events.push(e));
}, 120_000);

/** The CLI run by the last test, ended here if a failure left it running. */
let cli: ReturnType<typeof spawn> | undefined;

afterAll(async () => {
  if (cli && cli.exitCode === null && cli.signalCode === null) cli.kill('SIGKILL');
  await engine?.close();
  rmSync(root, { recursive: true, force: true });
});

const progressOf = (jobId: string): ProgressEvent[] => events.filter((e): e is ProgressEvent => e.type === 'progress' && e.jobId === jobId);

/** Resolves once the job has reported progress (polled, as a front hears events). */
function firstProgress(jobId: string): Promise<void> {
  return new Promise((resolve) => {
    const look = (): void => (progressOf(jobId).length > 0 ? resolve() : void setImmediate(look));
    look();
  });
}

describe('a playlist build is a job (review R2.10)', () => {
  it(`a ${LONG}-track energy curve over ${N} tracks: progress by phase, other calls answered meanwhile, the plain function's tracks`, { timeout: 120_000 }, async () => {
    const { jobId } = await engine.start('playlist.build', energyReq);
    const ended = jobEndOf(events, jobId);
    let over = false;
    void ended.then(() => (over = true));
    await firstProgress(jobId);
    // The Library's search while it builds, asked as a front asks (a message, a macrotask, every 20 ms):
    // three answers arrive before the build's end.
    let answered = 0;
    while (!over && answered < 3) {
      const page = await engine.call('tracks.list', { offset: 0, limit: 5, search: 'Track 3' });
      expect(page.tracks.length).toBe(5);
      if (!over) answered++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const end = await ended;
    expect(end.state).toBe('done');
    expect(answered).toBe(3);

    const seen = progressOf(jobId);
    const picks = seen.filter((p) => p.phase === 'pick');
    const rounds = seen.filter((p) => p.phase === 'order');
    // Choosing: a row of the assignment per position, the last one reported; then rounds of smoothing, a count with no total.
    expect(picks.at(-1)).toMatchObject({ done: LONG, total: LONG });
    expect(rounds.length).toBeGreaterThan(0);
    expect(rounds.every((p) => p.total === 0 && p.done >= 1)).toBe(true);
    expect(seen.indexOf(rounds[0])).toBeGreaterThan(seen.indexOf(picks.at(-1)!));

    const built = end.result as Playlist;
    expect(built.tracks).toHaveLength(LONG);
    const plain = plainBuild({ kind: 'energy', curve: 'low,high' }, LONG);
    expect(tracksOf(built)).toEqual(tracksOf(plain));
    expect(built.name).toBe(plain.name);
  });

  it('more like these and a mood path as jobs give the plain function’s tracks', { timeout: 60_000 }, async () => {
    const seeds = [7, 1234];
    const moreLike = await runJob(engine, 'playlist.build', { kind: 'more-like', seeds, length: 40, space: 'mood' });
    expect(tracksOf(moreLike)).toEqual(tracksOf(plainBuild({ kind: 'more-like', seeds: seeds.map(String) }, 40)));
    const path = await runJob(engine, 'playlist.build', { kind: 'mood-path', from: 15, to: 1900, length: 40, space: 'mood' });
    expect(tracksOf(path)).toEqual(tracksOf(plainBuild({ kind: 'mood-path', from: '15', to: '1900' }, 40)));
    expect(path.tracks).toHaveLength(40);
  });

  it('a cancel ends the build as cancelled, soon, and saves nothing', { timeout: 60_000 }, async () => {
    const { jobId } = await engine.start('playlist.build', energyReq);
    await firstProgress(jobId);
    const asked = performance.now();
    await engine.cancel(jobId);
    const end = await jobEndOf(events, jobId);
    const took = performance.now() - asked;
    expect(end.state).toBe('cancelled');
    expect(end.error?.code).toBe('cancelled');
    expect(end.result).toBeUndefined();
    // Between rounds: far sooner than the whole build (seconds here, minutes on a loaded machine before R2.10's speed-up).
    expect(took).toBeLessThan(2000);
    expect(await engine.call('playlist.list')).toEqual([]);
    expect((await engine.call('jobs.list')).find((j) => j.id === jobId)?.state).toBe('cancelled');
  });

  it('the CLI: progress on stderr for a long build, Ctrl-C exits 130, no M3U written, nothing saved', { timeout: 120_000 }, async () => {
    // Its own small catalog (the combined space the CLI ranks by is made in it first): a curve over all
    // of its 500 tracks smooths for hundreds of rounds, seconds on an idle machine.
    const cliData = join(root, 'cli-data');
    const cliCatalog = join(cliData, 'catalog.sqlite');
    syntheticCatalog(cliCatalog, join(root, 'cli-music'), 500);
    const out = join(root, 'curve.m3u8');
    const child = (cli = spawn(process.execPath, [...cliArgv('playlist', '--energy', 'low,high', '--length', '500', '--db', cliCatalog, '--m3u', out)], {
      cwd: REPO_ROOT,
      env: { ...process.env, NEEDLEDROP_HOME: cliData },
      stdio: ['ignore', 'pipe', 'pipe'],
    }));
    let stderr = '';
    let stdout = '';
    let interrupted = false;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // The first progress line: the build is under way.
      if (!interrupted && /Reading vectors|Choosing tracks|Smoothing the order/.test(stderr)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(interrupted, stderr).toBe(true);
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('playlist: stopping…');
    expect(stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    const db = openCatalog(cliCatalog, { readonly: true });
    try {
      expect(listPlaylists(db)).toEqual([]);
    } finally {
      db.close();
    }
  });
});
