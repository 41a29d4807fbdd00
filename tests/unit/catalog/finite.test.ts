import { describe, expect, it } from 'vitest';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { findNonFinite } from '../../../electron/engine/catalog/finite';
import { putSegments } from '../../../electron/engine/catalog/segments';
import { listTracks, saveAnalysis, type AnalysisRecord } from '../../../electron/engine/catalog/tracks';
import { NeedledropError } from '../../../electron/engine/errors';

const record = (patch: (r: AnalysisRecord) => void): AnalysisRecord => {
  const r: AnalysisRecord = {
    file: { path: '/music/a.flac', size: 10, mtimeMs: 1, hash: 'h' },
    info: { title: null, artist: null, album: null, duration: 4 },
    summary: { bpm: 120, beats: [0.5, 1], tempo: { bpm: 120, confidence: 0.4 } },
    features: { step: 0.5, names: ['a', 'b'], data: new Float32Array([1, 2, 3, 4]), T: 2, D: 2, spec: 's', start: 0 },
    segments: { modelVersion: 'v', set: { starts: new Float32Array([0]), data: new Float32Array([0.6, 0.8]), dim: 2 } },
  };
  patch(r);
  return r;
};

describe('non-finite guard at the catalog writes', () => {
  it('finds the first NaN or Infinity and says where', () => {
    expect(findNonFinite({ a: [1, { b: NaN }] }, 'x')).toBe('x.a[1].b');
    expect(findNonFinite(new Float32Array([0, Infinity]), 'f')).toBe('f[1]');
    expect(findNonFinite({ a: 1, s: 'NaN', n: null }, 'x')).toBeNull();
  });

  it('refuses an analysis holding NaN/Inf anywhere, naming the file and the place, and stores nothing', () => {
    const db = openCatalog(':memory:');
    const cases: Array<[string, (r: AnalysisRecord) => void]> = [
      ['summary.bpm', (r) => (r.summary.bpm = NaN)],
      ['summary.tempo.confidence', (r) => ((r.summary.tempo as { confidence: number }).confidence = -Infinity)],
      ['summary.beats[1]', (r) => (r.summary.beats = [0, NaN])],
      ['info.duration', (r) => (r.info.duration = Infinity)],
      ['features[2]', (r) => (r.features.data[2] = NaN)],
      ['segments[0]', (r) => (r.segments!.set.data[0] = NaN)],
    ];
    for (const [where, patch] of cases) {
      let err: unknown;
      try {
        saveAnalysis(db, record(patch));
      } catch (e) {
        err = e;
      }
      expect(err, where).toBeInstanceOf(NeedledropError);
      expect((err as NeedledropError).kind).toBe('input');
      expect((err as Error).message).toContain('/music/a.flac');
      expect((err as Error).message).toContain(where);
    }
    expect(listTracks(db)).toEqual([]);
    const { trackId } = saveAnalysis(db, record(() => undefined));
    expect(() => putSegments(db, trackId, 'w', { starts: new Float32Array([0]), data: new Float32Array([NaN, 1]), dim: 2 })).toThrow(/non-finite/);
    db.close();
  });
});
