import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { listJobs } from '../../../electron/engine/jobs/store';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { createRng } from '../../../electron/engine/util/prng';
import { cliArgv } from '../../helpers/cli';
import { makeAudio, tempDir } from './fixtures/media';

/**
 * The `index` command as a separate process, killed part-way (SIGKILL, then SIGINT), then run
 * again: the catalog must end up exactly as after one uninterrupted run.
 */
const REPO = resolve(import.meta.dirname, '../../..');
const TOTAL = 6;
let root: string;
let lib: string;

function startIndex(db: string, extra: string[] = []): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> } {
  // The run's compiled CLI (tests/helpers/cli.ts): the command users run, in half the CPU of tsx.
  const child = spawn(process.execPath, cliArgv('index', lib, '--db', db, '--jobs', '1', ...extra), { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((ok) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && code !== 130 && signal === null) process.stderr.write(stderr);
      ok({ code, signal, stdout });
    }),
  );
  return { child, done };
}

function trackCount(db: string): number {
  try {
    const c = openCatalog(db, { readonly: true });
    try {
      return c.prepare<[], { n: number }>('SELECT count(*) AS n FROM tracks').get()!.n;
    } finally {
      c.close();
    }
  } catch {
    return 0; // not created yet, or schema not there yet
  }
}

/** Poll the catalog (as another process would) until `n` tracks are committed, then signal the indexer. */
async function interruptAfter(db: string, n: number, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const run = startIndex(db);
  let exited = false;
  void run.done.then(() => (exited = true));
  while (!exited && trackCount(db) < n) await new Promise((r) => setTimeout(r, 25));
  if (exited) throw new Error('indexer finished before it could be interrupted; make the test library larger');
  run.child.kill(signal);
  return run.done;
}

type Rows = Record<string, unknown[]>;
function snapshot(db: string): Rows {
  const c = openCatalog(db, { readonly: true });
  try {
    return {
      files: c.prepare('SELECT path, size, mtime_ms, hash FROM files ORDER BY path').all(),
      tracks: c.prepare('SELECT f.path, t.title, t.artist, t.album, t.duration, t.summary FROM tracks t JOIN files f ON f.id = t.file_id ORDER BY f.path').all(),
      features: c.prepare('SELECT f.path, x.modality, x.spec, x.t, x.d, x.step, x.names, hex(x.data) AS data FROM features x JOIN tracks t ON t.id = x.track_id JOIN files f ON f.id = t.file_id ORDER BY f.path').all(),
      segments: c.prepare('SELECT f.path, s.model_version, s.n, hex(s.data) AS data FROM segments s JOIN tracks t ON t.id = s.track_id JOIN files f ON f.id = t.file_id ORDER BY f.path').all(),
    };
  } finally {
    c.close();
  }
}

function integrity(db: string): string {
  const c = openCatalog(db);
  try {
    return c.pragma('integrity_check', { simple: true }) as string;
  } finally {
    c.close();
  }
}

beforeAll(() => {
  root = tempDir('crash');
  lib = join(root, 'library');
  for (let i = 0; i < TOTAL; i++) {
    makeAudio(join(lib, `disc${i % 3}`, `track${String(i).padStart(2, '0')}.${i % 2 ? 'mp3' : 'wav'}`), { freq: 200 + 37 * i, seconds: 2, title: `Track ${i}` });
  }
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

// Each test starts the command (tsx, workers, ffmpeg per file) two or three times: allow for a busy CI machine.
const SLOW = 150_000;

it('after kill -9 a rerun finishes the rest without redoing or duplicating anything', { timeout: SLOW }, async () => {
  // The uninterrupted run, in this process with the command's default components.
  const reference = join(root, 'reference.sqlite');
  const ref = openCatalog(reference);
  const clean = await indexLibrary(ref, [lib], { jobs: 2 });
  ref.close();
  expect(clean).toMatchObject({ indexed: TOTAL, failed: [] });

  const db = join(root, 'killed.sqlite');
  const killed = await interruptAfter(db, 2, 'SIGKILL');
  expect(killed.signal).toBe('SIGKILL');
  const committed = trackCount(db);
  expect(committed).toBeGreaterThanOrEqual(2);
  expect(committed).toBeLessThan(TOTAL);

  const rerun = await startIndex(db, ['--json']).done;
  expect(rerun.code).toBe(0);
  expect(JSON.parse(rerun.stdout)).toMatchObject({ indexed: TOTAL - committed, unchanged: committed, removed: 0, failed: [] });
  expect(integrity(db)).toBe('ok');
  expect(snapshot(db)).toEqual(snapshot(reference));

  const c = openCatalog(db, { readonly: true });
  const states = listJobs(c, 'index').map((j) => j.state);
  c.close();
  expect(states).toEqual(['interrupted', 'done']);
});

it('Ctrl-C stops cleanly with exit code 130 and a consistent catalog', { timeout: SLOW }, async () => {
  const db = join(root, 'sigint.sqlite');
  const stopped = await interruptAfter(db, 1, 'SIGINT');
  expect(stopped.code).toBe(130);
  const committed = trackCount(db);
  expect(committed).toBeLessThan(TOTAL);
  expect(integrity(db)).toBe('ok');
  const c = openCatalog(db, { readonly: true });
  const job = listJobs(c, 'index').at(-1)!;
  const orphans = c.prepare<[], { n: number }>('SELECT count(*) AS n FROM files f WHERE NOT EXISTS (SELECT 1 FROM tracks t WHERE t.file_id = f.id)').get()!.n;
  c.close();
  expect(job.state).toBe('cancelled');
  expect(orphans).toBe(0);

  const rerun = await startIndex(db, ['--json']).done;
  expect(JSON.parse(rerun.stdout)).toMatchObject({ indexed: TOTAL - committed, unchanged: committed });
});

const RUNNER = join(REPO, 'tests/integration/index/fixtures/index-run.ts');

/** One index run (no CLI) as a child process; resolves with how it ended. */
function runIndexer(db: string): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, lib, db, 'stats-v1'], { cwd: REPO, stdio: ['ignore', 'ignore', 'ignore'] });
  return { child, done: new Promise((ok) => child.on('exit', (code, signal) => ok({ code, signal }))) };
}

function committedPaths(db: string): string[] {
  if (!existsSync(db)) return [];
  const c = openCatalog(db, { readonly: true });
  try {
    return c.prepare<[], { path: string }>('SELECT f.path FROM tracks t JOIN files f ON f.id = t.file_id ORDER BY f.path').all().map((r) => r.path);
  } catch {
    return []; // killed before the schema was written
  } finally {
    c.close();
  }
}

it('20 SIGKILLs (16 at random moments, 4 right after a commit): integrity ok each time, nothing committed is lost, the end equals an uninterrupted run', { timeout: 900_000 }, async () => {
  const reference = join(root, 'random-reference.sqlite');
  const t0 = Date.now();
  expect((await runIndexer(reference).done).code).toBe(0);
  const fullMs = Date.now() - t0;
  expect(committedPaths(reference)).toHaveLength(TOTAL);

  const rng = createRng(2026);
  const db = join(root, 'random-kills.sqlite');
  let kills = 0;
  let midRun = 0;
  let before: string[] = [];
  while (kills < 20) {
    const run = runIndexer(db);
    let exited = false;
    void run.done.then(() => (exited = true));
    if (kills % 5 === 0) {
      // Every fifth kill on an event, not a clock: as soon as this run has committed something
      // (a batch is back), so some kills land between two commits however busy the machine is.
      while (!exited && trackCount(db) <= before.length) await new Promise((r) => setTimeout(r, 25));
    } else {
      // Anywhere from start-up (before the catalog is open) to the end of a whole run.
      await new Promise((r) => setTimeout(r, Math.floor(rng.next() * fullMs)));
    }
    if (!exited) {
      run.child.kill('SIGKILL');
      kills++;
    }
    const end = await run.done;
    const after = committedPaths(db);
    if (existsSync(db)) expect(integrity(db), `after kill ${kills}`).toBe('ok');
    for (const p of before) expect(after, `kill ${kills} lost ${p}`).toContain(p);
    if (end.signal === 'SIGKILL' && after.length > before.length && after.length < TOTAL) midRun++;
    before = after;
    // A run that got to the end: start again from nothing so the next kills land in indexing too.
    if (after.length === TOTAL) {
      expect(snapshot(db)).toEqual(snapshot(reference));
      for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
      before = [];
    }
  }
  // At least some kills landed between two committed files (the rest in start-up, scan or the last commit).
  expect(midRun).toBeGreaterThan(0);
  expect((await runIndexer(db).done).code).toBe(0);
  expect(integrity(db)).toBe('ok');
  expect(snapshot(db)).toEqual(snapshot(reference));
  const c = openCatalog(db, { readonly: true });
  const jobs = listJobs(c, 'index');
  c.close();
  expect(jobs.at(-1)!.state).toBe('done');
  expect(jobs.filter((j) => j.state === 'running')).toEqual([]);
});
