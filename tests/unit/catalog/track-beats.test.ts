import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { listTracks, listTracksWithoutBeats, saveAnalysis, trackBeats } from '../../../electron/engine/catalog/tracks';
import type { TrackSummary } from '../../../electron/engine/catalog/types';

let dir: string;
let db: Catalog;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'needledrop-track-beats-'));
  db = openCatalog(join(dir, 'catalog.sqlite'));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function save(path: string, summary: TrackSummary): number {
  return saveAnalysis(db, {
    file: { path, size: 1, mtimeMs: 1, hash: path },
    info: { title: 'T', artist: 'A', album: null, duration: 12 },
    summary,
    features: { step: 0.5, names: ['a'], data: new Float32Array(2), T: 2, D: 1, spec: 's', start: 0 },
  }).trackId;
}

describe('listing tracks without their beats (large libraries)', () => {
  it('lists every field of the summary but the beats, which trackBeats reads per track', () => {
    const beats = [0.25, 0.75, 1.251, 1.75];
    const a = save('/m/a.mp3', { bpm: 120, key: 'D', mode: 'minor', energy: 0.4, beats, rmsDb: -14.5, nearSilent: true });
    const b = save('/m/b.mp3', { bpm: null, key: null, mode: null, energy: 0, beats: [] });
    const full = listTracks(db);
    const lean = listTracksWithoutBeats(db);
    expect(lean.map((r) => r.id)).toEqual([a, b]);
    lean.forEach((row, i) => {
      const { beats: _dropped, ...rest } = full[i].summary;
      expect(row.summary).toEqual(rest);
      expect('beats' in row.summary).toBe(false);
      expect({ ...row, summary: null }).toEqual({ ...full[i], summary: null });
    });
    expect(trackBeats(db, a)).toEqual(beats);
    expect(trackBeats(db, b)).toEqual([]);
    expect(trackBeats(db, 9999)).toEqual([]);
  });
});
