import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { addFeedback, listFeedback } from '../../../electron/engine/catalog/feedback';
import { getFeatures } from '../../../electron/engine/catalog/features';
import { deleteFiles, filesByHash, filesUnder, moveFile } from '../../../electron/engine/catalog/files';
import { migrate, MIGRATIONS } from '../../../electron/engine/catalog/migrations';
import { createPlaylist, getPlaylist, listPlaylists } from '../../../electron/engine/catalog/playlists';
import { getSegments, loadSegmentMatrix, tracksMissingSegments } from '../../../electron/engine/catalog/segments';
import { saveAnalysis, trackByPath, type AnalysisRecord } from '../../../electron/engine/catalog/tracks';
import type { FeatureSeq } from '../../../electron/engine/features/types';
import { finishJob, listJobs, markInterruptedJobs, startJob } from '../../../electron/engine/jobs/store';

let dir: string;
let db: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'needledrop-catalog-'));
  db = openCatalog(join(dir, 'nested', 'catalog.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function seq(T: number, fill: number): FeatureSeq {
  return { step: 0.5, names: ['a', 'b'], data: Float32Array.from({ length: T * 2 }, (_, i) => fill + i), T, D: 2, spec: 'spec-1', start: 0 };
}

function record(path: string, opts: { hash?: string; T?: number; version?: string; n?: number } = {}): AnalysisRecord {
  const n = opts.n ?? 3;
  return {
    file: { path, size: 100, mtimeMs: 1000.7, hash: opts.hash ?? `h-${path}` },
    info: { title: `T ${path}`, artist: 'A', album: null, duration: 12.5 },
    summary: { bpm: 120, key: 'C', mode: 'major', energy: 0.4, beats: [0.5, 1] },
    features: seq(opts.T ?? 4, path.length),
    ...(opts.version
      ? { segments: { modelVersion: opts.version, set: { dim: 2, starts: Float32Array.from({ length: n }, (_, i) => i), data: new Float32Array(n * 2).fill(path.length) } } }
      : {}),
  };
}

const count = (table: string): number => db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()!.n;

describe('opening and migrating', () => {
  it('uses WAL, foreign keys and the latest schema version', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
  });

  it('applies only migrations newer than user_version, each once', () => {
    const raw = new Database(':memory:');
    const steps = [
      { version: 1, sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, sql: 'CREATE TABLE b (y INTEGER)' },
    ];
    expect(migrate(raw, steps.slice(0, 1))).toBe(1);
    expect(migrate(raw, steps)).toBe(2);
    expect(migrate(raw, steps)).toBe(2);
    const tables = raw.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    expect(tables.map((t) => t.name)).toEqual(['a', 'b']);
    raw.close();
  });

  it('rolls a failing migration back whole and keeps the old version', () => {
    const raw = new Database(':memory:');
    expect(() => migrate(raw, [{ version: 1, sql: 'CREATE TABLE a (x INTEGER); CREATE TABLE a (y INTEGER);' }])).toThrow();
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    expect(raw.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'a'").get()).toEqual({ n: 0 });
    raw.close();
  });

  it('refuses a catalog from a newer build', () => {
    const path = join(dir, 'future.sqlite');
    const raw = new Database(path);
    raw.pragma('user_version = 999');
    raw.close();
    expect(() => openCatalog(path)).toThrow(/newer/);
  });
});

describe('tracks, features and segments', () => {
  it('round-trips one analysis', () => {
    const { trackId } = saveAnalysis(db, record('/m/a.mp3', { version: 'v1' }));
    const t = trackByPath(db, '/m/a.mp3')!;
    expect(t).toMatchObject({ id: trackId, title: 'T /m/a.mp3', album: null, duration: 12.5, summary: { bpm: 120, beats: [0.5, 1] } });
    expect(getFeatures(db, trackId)).toEqual(record('/m/a.mp3').features);
    const seg = getSegments(db, trackId, 'v1')!;
    expect(Array.from(seg.starts)).toEqual([0, 1, 2]);
    expect(seg.dim).toBe(2);
  });

  it('re-analysis keeps the track id and drops segments of every model version', () => {
    const first = saveAnalysis(db, record('/m/a.mp3', { version: 'v1' }));
    const second = saveAnalysis(db, record('/m/a.mp3', { T: 9 }));
    expect(second).toEqual(first);
    expect(getFeatures(db, first.trackId)!.T).toBe(9);
    expect(getSegments(db, first.trackId, 'v1')).toBeUndefined();
    expect([count('files'), count('tracks'), count('features')]).toEqual([1, 1, 1]);
  });

  it('writes nothing of a file when its transaction fails', () => {
    const bad = record('/m/bad.mp3', { version: 'v1' });
    bad.segments!.set.data = new Float32Array(1); // wrong length: putSegments throws inside the transaction
    expect(() => saveAnalysis(db, bad)).toThrow();
    expect([count('files'), count('tracks'), count('features'), count('segments')]).toEqual([0, 0, 0, 0]);
  });

  it('deleting a file cascades to its track, features, segments, playlist items and feedback', () => {
    const a = saveAnalysis(db, record('/m/a.mp3', { version: 'v1' }));
    const b = saveAnalysis(db, record('/m/b.mp3', { version: 'v1' }));
    const pl = createPlaylist(db, 'mix', [a.trackId, b.trackId, a.trackId]);
    addFeedback(db, { clipPath: '/c.mp4', trackId: a.trackId, offset: 3, verdict: 'accept' });
    deleteFiles(db, [a.fileId]);
    expect([count('files'), count('tracks'), count('features'), count('segments'), count('feedback')]).toEqual([1, 1, 1, 1, 0]);
    expect(getPlaylist(db, pl)!.trackIds).toEqual([b.trackId]);
  });

  it('a moved file keeps its row and analysis', () => {
    const a = saveAnalysis(db, record('/m/a.mp3', { hash: 'same' }));
    moveFile(db, a.fileId, { path: '/n/a.mp3', size: 100, mtimeMs: 5 });
    expect(trackByPath(db, '/n/a.mp3')!.id).toBe(a.trackId);
    expect(filesByHash(db, 'same').map((f) => f.path)).toEqual(['/n/a.mp3']);
  });

  it('finds files under roots by prefix, not by LIKE pattern', () => {
    for (const p of ['/lib/a.mp3', '/lib/sub/b.mp3', '/lib2/c.mp3', '/l%b/d.mp3', '/lib_x/e.mp3']) saveAnalysis(db, record(p));
    expect(filesUnder(db, ['/lib']).map((f) => f.path).sort()).toEqual(['/lib/a.mp3', '/lib/sub/b.mp3']);
    expect(filesUnder(db, ['/l%b', '/lib/sub/']).map((f) => f.path).sort()).toEqual(['/l%b/d.mp3', '/lib/sub/b.mp3']);
  });

  it('loads one model version as one matrix and lists tracks that lack it', () => {
    const a = saveAnalysis(db, record('/m/a.mp3', { version: 'v1', n: 2 }));
    const b = saveAnalysis(db, record('/m/bb.mp3', { version: 'v1', n: 3 }));
    const c = saveAnalysis(db, record('/m/ccc.mp3', { version: 'v2', n: 1 }));
    const m = loadSegmentMatrix(db, 'v1');
    expect(m.dim).toBe(2);
    expect(Array.from(m.trackIds)).toEqual([a.trackId, a.trackId, b.trackId, b.trackId, b.trackId]);
    expect(Array.from(m.starts)).toEqual([0, 1, 0, 1, 2]);
    expect(Array.from(m.data.subarray(4, 6))).toEqual(['/m/bb.mp3'.length, '/m/bb.mp3'.length]);
    expect(m.ranges.get(b.trackId)).toEqual({ first: 2, count: 3 });
    expect(tracksMissingSegments(db, 'v1')).toEqual([c.trackId]);
    expect(loadSegmentMatrix(db, 'none').data.length).toBe(0);
  });
});

describe('playlists, feedback, jobs', () => {
  it('keeps playlist order and parameters', () => {
    const ids = ['/1.mp3', '/2.mp3', '/3.mp3'].map((p) => saveAnalysis(db, record(p)).trackId);
    const id = createPlaylist(db, 'evening', [ids[2], ids[0], ids[1]], { energy: 'low,high' });
    expect(getPlaylist(db, id)).toMatchObject({ name: 'evening', params: { energy: 'low,high' }, trackIds: [ids[2], ids[0], ids[1]] });
    expect(listPlaylists(db)).toMatchObject([{ id, name: 'evening', length: 3 }]);
  });

  it('stores feedback verdicts and rejects unknown ones', () => {
    const t = saveAnalysis(db, record('/1.mp3')).trackId;
    addFeedback(db, { clipPath: '/clip.mov', clipStart: 2, clipEnd: 9, trackId: t, offset: 31.5, verdict: 'reject' });
    expect(listFeedback(db)).toMatchObject([{ clipPath: '/clip.mov', clipStart: 2, clipEnd: 9, trackId: t, offset: 31.5, verdict: 'reject' }]);
    expect(() => db.prepare("INSERT INTO feedback (clip_path, track_id, offset, verdict, created_at) VALUES ('x', ?, 0, 'maybe', 0)").run(t)).toThrow(/CHECK/);
  });

  it('marks jobs of dead processes as interrupted, not live ones', () => {
    const mine = startJob(db, 'index', 10);
    db.prepare("INSERT INTO jobs (kind, state, pid, started_at) VALUES ('index', 'running', 2147483646, 0)").run();
    expect(markInterruptedJobs(db)).toBe(1);
    finishJob(db, mine, 'done', { detail: { indexed: 10 } });
    expect(listJobs(db).map((j) => [j.state, j.detail])).toEqual([
      ['done', { indexed: 10 }],
      ['interrupted', null],
    ]);
  });
});
