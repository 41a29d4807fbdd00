/**
 * The engine's musicSpace.update over a catalog of two real noise files: asked for signatures only,
 * it computes the production signature of each track and nothing else; asked for a full update,
 * with fewer tracks than a music space trains from (40), it keeps the descriptor-statistics space
 * and says why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineEvent, ProgressEvent } from '../../../electron/contract/types';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { jobEndOf } from '../../helpers/job-end';
import { ffmpeg } from '../../helpers/media';
import { timbreTrack } from '../similarity/timbre-tracks';

const tmp = mkdtempSync(join(tmpdir(), 'nd-engine-signatures-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function engineWithTwoTracks(name: string): Promise<{ engine: Engine; events: EngineEvent[] }> {
  const ctx = contextFromEnv({}, { dataDir: join(tmp, name), confined: true });
  const db = openCatalog(ctx.catalogPath);
  for (const i of [0, 1]) {
    const path = await ffmpeg(['-f', 'lavfi', '-i', `anoisesrc=c=pink:a=0.2:r=44100:s=${i + 1}:d=3`, '-ac', '2', '-c:a', 'pcm_s16le'], join(tmp, `${name}-${i}.wav`));
    saveAnalysis(db, { file: { path, size: 1000 + i, mtimeMs: 1, hash: `${name}-hash-${i}` }, info: { title: `t${i}`, artist: null, album: null, duration: 3 }, summary: {}, features: timbreTrack(i, i, 30) });
  }
  db.close();
  const engine = new Engine(ctx);
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return { engine, events };
}


describe('musicSpace.update', () => {
  it('signatures only: both tracks get a production signature', async () => {
    const { engine, events } = await engineWithTwoTracks('sig');
    try {
      const { jobId } = await engine.start('musicSpace.update', { signaturesOnly: true });
      const end = await jobEndOf(events, jobId);
      expect(end).toMatchObject({ state: 'done', result: { kind: 'descriptor-stats', tracks: 2, detail: 'production signatures: 2 computed, 0 without one' } });
      const progress = events.filter((e): e is ProgressEvent => e.type === 'progress' && e.jobId === jobId);
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.every((p) => p.phase === 'production')).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('a full update of two tracks keeps the descriptor space and says it trains from 40', async () => {
    const { engine, events } = await engineWithTwoTracks('full');
    try {
      const { jobId } = await engine.start('musicSpace.update', {});
      expect(await jobEndOf(events, jobId)).toMatchObject({ state: 'done', result: { kind: 'descriptor-stats', tracks: 2, detail: '2 tracks; the music space trains from 40' } });
    } finally {
      await engine.close();
    }
  });
});
