import type { FeatureSeq, Modality } from '../features/types';
import { blobToF32, f32ToBlob } from './blob';
import type { Catalog } from './db';
import { assertFinite } from './finite';

interface FeatureDb {
  spec: string;
  t: number;
  d: number;
  step: number;
  start: number;
  names: string;
  data: Buffer;
}

export function putFeatures(db: Catalog, trackId: number, modality: Modality, seq: FeatureSeq): void {
  if (seq.data.length !== seq.T * seq.D) throw new Error(`feature data has ${seq.data.length} values, expected T×D = ${seq.T * seq.D}`);
  assertFinite(seq.data, `features of track ${trackId}`);
  db.prepare(
    `INSERT INTO features (track_id, modality, spec, t, d, step, start, names, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (track_id, modality) DO UPDATE SET spec = excluded.spec, t = excluded.t, d = excluded.d,
       step = excluded.step, start = excluded.start, names = excluded.names, data = excluded.data`,
  ).run(trackId, modality, seq.spec, seq.T, seq.D, seq.step, seq.start, JSON.stringify(seq.names), f32ToBlob(seq.data));
}

export function getFeatures(db: Catalog, trackId: number, modality: Modality = 'audio'): FeatureSeq | undefined {
  const r = db
    .prepare<[number, string], FeatureDb>('SELECT spec, t, d, step, start, names, data FROM features WHERE track_id = ? AND modality = ?')
    .get(trackId, modality);
  if (!r) return undefined;
  return { spec: r.spec, T: r.t, D: r.d, step: r.step, start: r.start, names: JSON.parse(r.names) as string[], data: blobToF32(r.data) };
}
