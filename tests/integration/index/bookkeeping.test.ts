// The indexer's bookkeeping on a real catalog and real worker threads, with text "tracks" instead
// of audio (fixtures/text-components.ts): what the report counts, what the catalog keeps, what the
// job row says, which progress is reported. Each test builds its own library and catalog, so any
// one runs alone (as mutation testing runs them); no ffmpeg, so a test takes a second or two.
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { getFeatures } from '../../../electron/engine/catalog/features';
import { getSegments } from '../../../electron/engine/catalog/segments';
import { listTracks, trackByPath } from '../../../electron/engine/catalog/tracks';
import { listJobs } from '../../../electron/engine/jobs/store';
import { indexLibrary, type IndexProgress } from '../../../electron/engine/library/indexer';
import { textComponents } from './fixtures/text-components';

const base = mkdtempSync(join(tmpdir(), 'nd-bookkeeping-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
/** A fresh library with these files (path → text) and a fresh catalog. */
function library(files: Record<string, string>): { lib: string; db: Catalog; at: (p: string) => string } {
  const root = join(base, `r${n++}`);
  const lib = join(root, 'lib');
  mkdirSync(lib, { recursive: true });
  for (const [p, text] of Object.entries(files)) write(join(lib, p), text);
  const db = openCatalog(join(root, 'catalog.sqlite'));
  return { lib, db, at: (p) => join(lib, p) };
}

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const paths = (db: Catalog, lib: string): string[] => listTracks(db).map((t) => t.path.slice(lib.length + 1)).sort();

/** Atomics.waitAsync (Node 16+; TypeScript lists it from lib es2024 on). */
const waitAsync = (Atomics as unknown as { waitAsync: (a: Int32Array, i: number, v: number) => { async: boolean; value: Promise<string> | string } }).waitAsync;

/** Worker threads this thread has running now (Node's diagnostic report lists them). */
const liveWorkers = (): number => (process.report.getReport() as { workers: unknown[] }).workers.length;

it('first run: indexes what analyses, reports failures (sorted, causes without the path), ignored files, partial ones, and the job', async () => {
  const { lib, db, at } = library({
    'a.wav': 'bpm 120',
    'sub/b.mp3': 'bpm 90',
    'c.flac': 'partial decoding stopped at 3 s',
    'bad.ogg': 'fail not audio: planted',
    'boom.m4a': 'crash exploded here',
    'cover.jpg': 'jpeg',
  });
  symlinkSync(join(lib, 'gone.wav'), at('z-broken.mp3')); // a broken link named like audio: a scan failure
  const events: IndexProgress[] = [];
  const r = await indexLibrary(db, [lib], { jobs: 2, components: textComponents({ version: 'v1', note: 'a note' }), onProgress: (e) => events.push(e) });

  expect(r).toMatchObject({ indexed: 3, unchanged: 0, removed: 0, moved: 0, reembedded: 0, cancelled: false, embedderVersion: 'v1', note: 'a note' });
  // Sorted by path although the scan failure was found first and the analyses end in any order.
  expect(r.failed.map((f) => f.path)).toEqual([at('bad.ogg'), at('boom.m4a'), at('z-broken.mp3')]);
  expect(r.failed[0].reason).toBe('not audio: planted');
  expect(r.failed[1].reason).toMatch(/^internal error: (Error: )?exploded here$/); // its first line only
  expect(r.failed[2].reason).not.toBe('');
  expect(r.ignored.map((f) => f.path)).toEqual([at('cover.jpg')]);
  expect(r.partial).toEqual([{ path: at('c.flac'), cause: 'decoding stopped at 3 s' }]);

  expect(paths(db, lib)).toEqual(['a.wav', 'c.flac', 'sub/b.mp3']);
  const a = trackByPath(db, at('a.wav'))!;
  expect(a.summary.bpm).toBe(120);
  expect(a.summary).not.toHaveProperty('analysisVersion'); // no analysisVersion given: nothing stamped
  expect(getFeatures(db, a.id, 'audio')!.T).toBe(7);
  expect(getSegments(db, a.id, 'v1')!.dim).toBe(2);

  const [job] = listJobs(db, 'index');
  expect(job).toMatchObject({ state: 'done', done: 5, total: 5, error: null });
  expect(job.detail).toMatchObject({ indexed: 3, failed: 3, ignored: 1, partial: 1, cancelled: false, embedderVersion: 'v1' });

  // One hash event per new file, then one analyze event per analysed file (failures too), counting up to 5.
  const hash = events.filter((e) => e.phase === 'hash');
  const analyze = events.filter((e) => e.phase === 'analyze');
  expect(hash).toHaveLength(5);
  expect(hash.at(-1)!.snapshot).toMatchObject({ label: 'hashing', done: 5, total: 5 });
  expect(analyze.map((e) => e.item).sort()).toEqual(['a.wav', 'bad.ogg', 'boom.m4a', 'c.flac', 'sub/b.mp3'].map(at));
  expect(analyze.map((e) => e.snapshot.done)).toEqual([1, 2, 3, 4, 5]);
  expect(analyze.every((e) => e.snapshot.total === 5 && e.snapshot.label === 'indexing')).toBe(true);
  db.close();
});

it('later runs: unchanged, touched, moved and removed files are counted and not analysed again', async () => {
  const { lib, db, at } = library({ 'a.wav': 'bpm 120', 'b.mp3': 'bpm 90', 'c.flac': 'bpm 100', 'd.wav': 'bpm 60' });
  await indexLibrary(db, [lib], { jobs: 1, components: textComponents({ version: 'v1' }) });
  const before = { a: trackByPath(db, at('a.wav'))!.id, b: trackByPath(db, at('b.mp3'))!.id };

  utimesSync(at('a.wav'), new Date(2001, 1, 1), new Date(2001, 1, 1)); // touched: same content
  mkdirSync(at('moved'));
  renameSync(at('b.mp3'), at('moved/b.mp3'));
  rmSync(at('c.flac'));
  const events: IndexProgress[] = [];
  const r = await indexLibrary(db, [lib], { jobs: 1, components: textComponents({ version: 'v1' }), onProgress: (e) => events.push(e) });
  // unchanged = d (same stat) + a (touched); b moved; c removed; nothing analysed.
  expect(r).toMatchObject({ indexed: 0, unchanged: 2, moved: 1, removed: 1, reembedded: 0, failed: [], partial: [] });
  expect(paths(db, lib)).toEqual(['a.wav', 'd.wav', 'moved/b.mp3']);
  expect(trackByPath(db, at('a.wav'))!.id).toBe(before.a);
  expect(trackByPath(db, at('moved/b.mp3'))!.id).toBe(before.b); // the row followed the file
  expect(events.filter((e) => e.phase === 'analyze')).toEqual([]);
  // A second unchanged run touches nothing: every file unchanged.
  const again = await indexLibrary(db, [lib], { jobs: 1, components: textComponents({ version: 'v1' }) });
  expect(again).toMatchObject({ indexed: 0, unchanged: 3, moved: 0, removed: 0 });
  expect(listJobs(db, 'index').map((j) => j.state)).toEqual(['done', 'done', 'done']);
  db.close();
});

it('a changed file whose re-analysis fails loses its old analysis; one that re-analyses gets the new one', async () => {
  const { lib, db, at } = library({ 'a.wav': 'bpm 120', 'b.wav': 'bpm 90', 'keep.wav': 'bpm 70' });
  await indexLibrary(db, [lib], { jobs: 1, components: textComponents() });
  write(at('a.wav'), 'fail now broken');
  write(at('b.wav'), 'bpm 95');
  const r = await indexLibrary(db, [lib], { jobs: 1, components: textComponents() });
  expect(r).toMatchObject({ indexed: 1, unchanged: 1 });
  expect(r.failed).toEqual([{ path: at('a.wav'), reason: 'now broken' }]);
  expect(paths(db, lib)).toEqual(['b.wav', 'keep.wav']); // a's stale analysis is gone
  expect(trackByPath(db, at('b.wav'))!.summary.bpm).toBe(95);
  db.close();
});

it('an analyzer version stamps summaries, re-analyses older ones, and a new model version re-embeds unchanged tracks', async () => {
  const { lib, db, at } = library({ 'a.wav': 'bpm 120', 'b.wav': 'bpm 90' });
  const first = await indexLibrary(db, [lib], { jobs: 1, components: textComponents({ version: 'v1', analysisVersion: 3 }) });
  expect(first.indexed).toBe(2);
  expect(trackByPath(db, at('a.wav'))!.summary).toMatchObject({ bpm: 120, analysisVersion: 3 });
  // Same analyzer: nothing to do.
  expect(await indexLibrary(db, [lib], { jobs: 1, components: textComponents({ version: 'v1', analysisVersion: 3 }) })).toMatchObject({ indexed: 0, unchanged: 2, reembedded: 0 });
  // A newer analyzer: both analysed again and stamped.
  const newer = await indexLibrary(db, [lib], { jobs: 1, components: textComponents({ version: 'v1', analysisVersion: 4 }) });
  expect(newer).toMatchObject({ indexed: 2, unchanged: 0 });
  expect(trackByPath(db, at('b.wav'))!.summary).toMatchObject({ bpm: 90, analysisVersion: 4 });
  // A new model version: the unchanged tracks get segments from their stored features, no analysis.
  const events: IndexProgress[] = [];
  const v2 = await indexLibrary(db, [lib], { jobs: 1, components: textComponents({ version: 'v2', analysisVersion: 4 }), onProgress: (e) => events.push(e) });
  expect(v2).toMatchObject({ indexed: 0, unchanged: 2, reembedded: 2, embedderVersion: 'v2', note: null });
  const a = trackByPath(db, at('a.wav'))!;
  const seg = getSegments(db, a.id, 'v2')!;
  const feat = getFeatures(db, a.id, 'audio')!;
  expect(Array.from(seg.data.subarray(0, 2))).toEqual([feat.data[0], 1 - feat.data[0]].map((x) => Math.fround(x)));
  expect(events.filter((e) => e.phase === 'analyze').map((e) => e.item).sort()).toEqual([at('a.wav'), at('b.wav')]);
  expect(listJobs(db, 'index').at(-1)).toMatchObject({ done: 2, total: 2 });
  // No model: nothing embedded, no version.
  expect(await indexLibrary(db, [lib], { jobs: 1, components: textComponents({ analysisVersion: 4 }) })).toMatchObject({ reembedded: 0, embedderVersion: null });
  db.close();
});

it('bad job counts are usage errors and claim nothing', async () => {
  const { lib, db } = library({ 'a.wav': 'bpm 1' });
  for (const jobs of [0, -1, 1.5, Number.NaN]) {
    await expect(indexLibrary(db, [lib], { jobs, components: textComponents() })).rejects.toMatchObject({
      kind: 'usage',
      message: `the number of jobs must be an integer ≥ 1, got ${jobs}`,
    });
  }
  expect(listJobs(db, 'index')).toEqual([]);
  db.close();
});

it('one indexer per catalog: a second run while one is going is refused as busy; after it, runs go again', async () => {
  const { lib, db } = library({ 'a.wav': 'bpm 1', 'b.wav': 'bpm 2' });
  const first = indexLibrary(db, [lib], { jobs: 1, components: textComponents() });
  // In this process the other run is the app's own scan (review R27: not "another run in this process since <ISO time>").
  await expect(indexLibrary(db, [lib], { jobs: 1, components: textComponents() })).rejects.toMatchObject({
    kind: 'input',
    code: 'busy',
    file: db.name,
    message: expect.stringMatching(/^a scan is already running \(started \d+ s ago\); wait for it to finish$/),
  });
  expect((await first).indexed).toBe(2);
  expect((await indexLibrary(db, [lib], { jobs: 1, components: textComponents() })).unchanged).toBe(2);
  expect(listJobs(db, 'index').map((j) => j.state)).toEqual(['done', 'done']);
  db.close();
});

it('a run that fails or is cancelled records it on its job and frees the catalog', async () => {
  const { lib, db } = library({ 'a.wav': 'bpm 1' });
  const broken = { module: new URL('./fixtures/no-such-components.ts', import.meta.url).href, options: {} };
  const err = (await indexLibrary(db, [lib], { jobs: 1, components: broken }).then(
    () => undefined,
    (e: unknown) => e,
  )) as Error;
  expect(err).toBeInstanceOf(Error);
  const ctl = new AbortController();
  ctl.abort();
  await expect(indexLibrary(db, [lib], { jobs: 1, components: textComponents(), signal: ctl.signal })).rejects.toMatchObject({ kind: 'cancelled' });
  const [failed, cancelled] = listJobs(db, 'index');
  expect(failed).toMatchObject({ state: 'failed', error: err.message });
  expect(cancelled).toMatchObject({ state: 'cancelled', error: null });
  expect((await indexLibrary(db, [lib], { jobs: 1, components: textComponents() })).indexed).toBe(1);
  db.close();
});

it('runs at most `jobs` workers', async () => {
  const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`t${i}.wav`, `bpm ${100 + i}`]));
  const threads = (db: Catalog) => new Set(listTracks(db).map((t) => t.summary.thread));
  const one = library(files);
  await indexLibrary(one.db, [one.lib], { jobs: 1, components: textComponents() });
  expect(threads(one.db).size).toBe(1);
  const two = library(files);
  await indexLibrary(two.db, [two.lib], { jobs: 2, components: textComponents() });
  expect(threads(two.db).size).toBeLessThanOrEqual(2);
  one.db.close();
  two.db.close();
});

it('cancelled while hashing: rejects as cancelled; while analysing: reports what was done, no cancellations as failures', async () => {
  const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`t${i}.wav`, `bpm ${100 + i}`]));
  const early = library(files);
  const ctl = new AbortController();
  await expect(
    indexLibrary(early.db, [early.lib], { jobs: 1, components: textComponents(), signal: ctl.signal, onProgress: (e) => e.phase === 'hash' && ctl.abort() }),
  ).rejects.toMatchObject({ kind: 'cancelled', message: 'indexing cancelled' });
  expect(listJobs(early.db, 'index')[0].state).toBe('cancelled');
  expect(listTracks(early.db)).toEqual([]);

  const late = library(files);
  const stop = new AbortController();
  const r = await indexLibrary(late.db, [late.lib], {
    jobs: 1,
    components: textComponents(),
    signal: stop.signal,
    onProgress: (e) => e.phase === 'analyze' && stop.abort(),
  });
  expect(r.cancelled).toBe(true);
  expect(r.failed).toEqual([]);
  expect(r.indexed).toBeGreaterThanOrEqual(1);
  expect(r.indexed).toBeLessThan(6);
  expect(listTracks(late.db)).toHaveLength(r.indexed);
  expect(listJobs(late.db, 'index')[0]).toMatchObject({ state: 'cancelled', error: null });
  early.db.close();
  late.db.close();
});

it('a file whose analysis the catalog refuses (a NaN tempo) fails alone; the run and the other files go on', async () => {
  const { lib, db, at } = library({ 'a.wav': 'bpm 120', 'nan.wav': 'bpm NaN', 'z.wav': 'bpm 90' });
  const r = await indexLibrary(db, [lib], { jobs: 1, components: textComponents() });
  expect(r).toMatchObject({ indexed: 2, cancelled: false });
  expect(r.failed.map((f) => f.path)).toEqual([at('nan.wav')]);
  expect(r.failed[0].reason).toMatch(/non-finite/);
  expect(paths(db, lib)).toEqual(['a.wav', 'z.wav']);
  expect(listJobs(db)[0]).toMatchObject({ state: 'done' });
  db.close();
});

it('refuses to start while another live process indexes the catalog, naming its pid; in this process, a scan is already running', async () => {
  const { lib, db } = library({ 'a.wav': 'bpm 120' });
  // The parent process is alive for as long as this test runs: a live indexer elsewhere.
  db.prepare("INSERT INTO jobs (kind, state, total, pid, started_at) VALUES ('index', 'running', 0, ?, ?)").run(process.ppid, Date.now());
  await expect(indexLibrary(db, [lib], { jobs: 1, components: textComponents() })).rejects.toMatchObject({
    code: 'busy',
    message: expect.stringMatching(new RegExp(`^.*: the catalog is being indexed by another process \\(pid ${process.ppid}\\) since \\d{4}-\\d\\d-\\d\\dT.*; wait for it to finish$`)),
  });
  // Started 90 s before: the age is said in seconds, from the job's own start.
  db.prepare("UPDATE jobs SET pid = ?, started_at = ? WHERE state = 'running'").run(process.pid, Date.now() - 90_000);
  await expect(indexLibrary(db, [lib], { jobs: 1, components: textComponents() })).rejects.toThrow(/^a scan is already running \(started (90|91) s ago\); wait for it to finish$/);
  expect(listTracks(db)).toEqual([]);
  db.close();
});

it('a copy of a catalogued file whose original still exists outside the roots is a new track, not a move', async () => {
  const { lib, db, at } = library({ 'a/one.wav': 'bpm 120', 'b/copy.wav': 'bpm 120' });
  await indexLibrary(db, [join(lib, 'a')], { jobs: 1, components: textComponents() });
  const r = await indexLibrary(db, [join(lib, 'b')], { jobs: 1, components: textComponents() });
  expect(r).toMatchObject({ indexed: 1, moved: 0 });
  expect(listTracks(db).map((t) => t.path).sort()).toEqual([at('a/one.wav'), at('b/copy.wav')]);
  db.close();
});

it('without an embedder the progress counts only the files analysed', async () => {
  const { lib, db } = library({ 'a.wav': 'bpm 120', 'b.wav': 'bpm 90' });
  await indexLibrary(db, [lib], { jobs: 1, components: textComponents() });
  write(join(lib, 'c.wav'), 'bpm 100');
  const events: IndexProgress[] = [];
  const r = await indexLibrary(db, [lib], { jobs: 1, components: textComponents(), onProgress: (e) => events.push(e) });
  expect(r).toMatchObject({ indexed: 1, unchanged: 2, reembedded: 0 });
  const analyse = events.filter((e) => e.phase === 'analyze');
  expect(analyse.length).toBeGreaterThan(0);
  for (const e of analyse) expect(e.snapshot.total).toBe(1);
  db.close();
});

it('re-embeds with a new model version only the unchanged tracks under the scanned roots that have features', async () => {
  const { lib, db, at } = library({ 'a/one.wav': 'bpm 120', 'a/two.wav': 'bpm 90', 'b/three.wav': 'bpm 100' });
  await indexLibrary(db, [join(lib, 'a')], { jobs: 1, components: textComponents({ version: 'v1' }) });
  await indexLibrary(db, [join(lib, 'b')], { jobs: 1, components: textComponents({ version: 'v1' }) });
  // A track whose stored features are gone cannot be re-embedded: it is skipped, not failed.
  const two = trackByPath(db, at('a/two.wav'))!.id;
  db.prepare('DELETE FROM features WHERE track_id = ?').run(two);
  const r = await indexLibrary(db, [join(lib, 'a')], { jobs: 1, components: textComponents({ version: 'v2' }) });
  expect(r).toMatchObject({ indexed: 0, reembedded: 1, failed: [] });
  expect(getSegments(db, trackByPath(db, at('a/one.wav'))!.id, 'v2')).toBeDefined();
  expect(getSegments(db, two, 'v2')).toBeUndefined();
  expect(getSegments(db, trackByPath(db, at('b/three.wav'))!.id, 'v2')).toBeUndefined();
  db.close();
});

it('a re-embedding that fails is reported per track (sorted, with the cause), and the run ends normally', async () => {
  const { lib, db, at } = library({ 'c.wav': 'bpm 100', 'a.wav': 'bpm 120', 'b.wav': 'bpm 90' });
  await indexLibrary(db, [lib], { jobs: 2, components: textComponents({ version: 'v1' }) });
  const r = await indexLibrary(db, [lib], { jobs: 2, components: textComponents({ version: 'v2', failEmbed: true }) });
  expect(r).toMatchObject({ indexed: 0, unchanged: 3, reembedded: 0, cancelled: false });
  expect(r.failed.map((f) => f.path)).toEqual([at('a.wav'), at('b.wav'), at('c.wav')]);
  for (const f of r.failed) expect(f.reason).toMatch(/^embedding failed: internal error: (Error: )?the encoder refused this sequence$/);
  expect(paths(db, lib)).toEqual(['a.wav', 'b.wav', 'c.wav']);
  db.close();
});

it('a catalog failure other than a refused analysis (here SQLite itself, by a trigger) ends the run as failed', async () => {
  const { lib, db } = library({ 'a.wav': 'bpm 120', 'boom.wav': 'bpm 90' });
  // Real fault injection: SQLite raises while the file row of boom.wav is written.
  db.exec("CREATE TRIGGER fail_boom BEFORE INSERT ON files WHEN NEW.path LIKE '%/boom.wav' BEGIN SELECT RAISE(ABORT, 'disk full (planted)'); END");
  await expect(indexLibrary(db, [lib], { jobs: 1, components: textComponents() })).rejects.toThrow('disk full (planted)');
  expect(listJobs(db, 'index')[0]).toMatchObject({ state: 'failed', error: 'disk full (planted)' });
  db.close();
});

it('cancelled after the plan, before the workers answer: a cancelled report, nothing analysed, no failures', async () => {
  const { lib, db } = library({ 'a.wav': 'bpm 120', 'b.wav': 'bpm 90' });
  const gate = new Int32Array(new SharedArrayBuffer(8));
  const stop = new AbortController();
  const workers = liveWorkers();
  const run = indexLibrary(db, [lib], { jobs: 1, components: textComponents({ gate: gate.buffer as SharedArrayBuffer }), signal: stop.signal });
  // The worker is building its components: the plan is made, the first answer not yet given.
  const started = waitAsync(gate, 0, 0);
  if (started.async) await started.value;
  stop.abort();
  Atomics.store(gate, 1, 1);
  Atomics.notify(gate, 1);
  const r = await run;
  expect(r).toMatchObject({ cancelled: true, indexed: 0, failed: [], embedderVersion: null });
  expect(liveWorkers()).toBeLessThanOrEqual(workers); // the pool is closed on the way out, cancelled or not
  expect(listTracks(db)).toEqual([]);
  expect(listJobs(db, 'index')[0]).toMatchObject({ state: 'cancelled', error: null });
  db.close();
});

it('cancelled while re-embedding: the embeddings not run are not failures', async () => {
  const files = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`t${i}.wav`, `bpm ${100 + i}`]));
  const { lib, db } = library(files);
  await indexLibrary(db, [lib], { jobs: 1, components: textComponents({ version: 'v1' }) });
  const stop = new AbortController();
  // One worker: when the first re-embedding is stored, the rest are queued or running.
  const r = await indexLibrary(db, [lib], { jobs: 1, components: textComponents({ version: 'v2' }), signal: stop.signal, onProgress: () => stop.abort() });
  expect(r.cancelled).toBe(true);
  expect(r.failed).toEqual([]);
  expect(r.reembedded).toBeGreaterThanOrEqual(1);
  expect(r.reembedded).toBeLessThan(5);
  expect(listJobs(db, 'index')[1]).toMatchObject({ state: 'cancelled', error: null });
  db.close();
});

it('leaves no worker threads behind', async () => {
  const { lib, db } = library({ 'a.wav': 'bpm 120', 'b.wav': 'bpm 90', 'c.wav': 'bpm 60' });
  // ≤: a worker an earlier test's pool is still ending may go in between, never one more.
  const before = liveWorkers();
  expect((await indexLibrary(db, [lib], { jobs: 2, components: textComponents({ version: 'v1' }) })).indexed).toBe(3);
  expect(liveWorkers()).toBeLessThanOrEqual(before);
  db.close();
});
