/**
 * Deleting a model version (models.delete), the engine's one operation behind `models delete` and
 * the Train screen's Delete: refused for shipped and active versions, for one a running job makes
 * or uses (in this engine or in another process: the app trains in a second one), and for any name
 * that could reach outside the models folder; atomic (renamed out of the listing first, leftovers
 * removed by the next start); its catalog segments go with it. Truths: the files the test put
 * there (sizes summed by the test), the catalog read directly, the job's own events.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { EngineError } from '../../../electron/contract/errors';
import type { EngineEvent } from '../../../electron/contract/types';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { putSegments } from '../../../electron/engine/catalog/segments';
import { saveAnalysis } from '../../../electron/engine/catalog/tracks';
import { AUDIO_SPEC } from '../../../electron/engine/features/spec';
import { deleteVersion } from '../../../electron/engine/models/registry';
import { contextFromEnv, registryOptions } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { REPO_ROOT } from '../../helpers/cli';
import { tinyCorpus } from '../../helpers/corpus';
import { jobEndOf } from '../../helpers/job-end';
import { copyOfBase, holdInAnotherProcess } from '../../helpers/model-versions';
import { deadPid } from '../../helpers/pids';

const tmp = mkdtempSync(join(tmpdir(), 'nd-models-delete-'));
const MEDIA_VIDEO = join(REPO_ROOT, '../shared/media/video');
const corpus = join(tmp, 'corpus');
const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
  rmSync(tmp, { recursive: true, force: true });
});
beforeAll(async () => {
  await tinyCorpus(corpus, 5);
}, 180_000);

/** An engine on its own data folder, with its events; shipped versions from a copy of the repo's models/ (a broken refusal must not delete the repo's base). */
function open(name: string): { engine: Engine; events: EngineEvent[]; dataDir: string; shipped: string } {
  const dataDir = join(tmp, name);
  const shipped = join(tmp, `${name}-shipped`);
  if (!existsSync(shipped)) cpSync(join(REPO_ROOT, 'models'), shipped, { recursive: true });
  const engine = new Engine(contextFromEnv({}, { dataDir, shippedModelsDir: shipped, threads: 2 }));
  engines.push(engine);
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return { engine, events, dataDir, shipped };
}

const refusal = (p: Promise<unknown>): Promise<EngineError> =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e as EngineError,
  );

/** Bytes of the files in a folder, summed by the test. */
const folderBytes = (dir: string): number => readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);

/** Resolves once job `jobId` has reported progress (it is past its start, holding what it uses). */
function progressed(events: EngineEvent[], jobId: string): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => (events.some((e) => e.type === 'progress' && e.jobId === jobId) ? resolve() : void setTimeout(check, 20));
    check();
  });
}

/** `n` catalogued tracks with stored audio features of `steps` steps (what a re-embed reads), none with segments. */
function fakeTracks(catalogPath: string, n: number, steps: number): void {
  const db = openCatalog(catalogPath);
  const D = AUDIO_SPEC.names.length;
  const data = new Float32Array(steps * D).map((_, i) => Math.sin(i * 0.37));
  for (let i = 0; i < n; i++) {
    saveAnalysis(db, {
      file: { path: join(tmp, `fake-${i}.ogg`), size: 1, mtimeMs: 0, hash: `h${i}` },
      info: { title: `t${i}`, artist: null, album: null, duration: steps * AUDIO_SPEC.step },
      summary: {},
      features: { spec: AUDIO_SPEC.version, T: steps, D, step: AUDIO_SPEC.step, start: 0, names: [...AUDIO_SPEC.names], data },
    });
  }
  db.close();
}

describe('models.delete', () => {
  it('dry run says what would go and changes nothing; then the folder goes, the list and an event say so', async () => {
    const { engine, events, dataDir } = open('plain');
    const dir = copyOfBase(dataDir, 'v1', { parent: 'base', createdAt: '2026-12-01T10:00:00.000Z' });
    copyOfBase(dataDir, 'v2', { parent: 'v1' });
    const files = readdirSync(dir).sort();
    const said = await engine.call('models.delete', { version: 'v1', dryRun: true });
    expect(said).toEqual({ version: 'v1', dir, bytes: folderBytes(dir), createdAt: '2026-12-01T10:00:00.000Z', children: ['v2'], segmentTracks: 0, deleted: false });
    expect(readdirSync(dir).sort()).toEqual(files);
    expect(events.some((e) => e.type === 'changed' && e.what === 'models')).toBe(false);
    const done = await engine.call('models.delete', { version: 'v1' });
    expect(done).toEqual({ ...said, deleted: true });
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(join(dataDir, 'models'))).toEqual(['v2']);
    expect(events.some((e) => e.type === 'changed' && e.what === 'models')).toBe(true);
    // The child's parent reads as deleted, not as a version that is there.
    const { models } = await engine.call('models.list');
    expect(models.map((m) => [m.version, m.parent, m.parentDeleted ?? false])).toEqual([['base', null, false], ['v2', 'v1', true]]);
    expect((await refusal(engine.call('models.delete', { version: 'v1' }))).code).toBe('no-model');
  });

  it('a shipped version is refused, dry run or not, and stays', async () => {
    const { engine, shipped } = open('shipped');
    const before = readdirSync(join(shipped, 'base')).sort();
    for (const dryRun of [true, false]) {
      const e = await refusal(engine.call('models.delete', { version: 'base', dryRun }));
      expect(e.code).toBe('bad-input');
      expect(e.message).toBe('model version "base" is shipped with Needledrop and cannot be deleted');
    }
    expect(readdirSync(join(shipped, 'base')).sort()).toEqual(before);
  });

  it('the active version is refused with what to do; once another is active it goes', async () => {
    const { engine, dataDir } = open('active');
    const dir = copyOfBase(dataDir, 'mine', { parent: 'base' });
    await engine.call('models.activate', { version: 'mine' });
    for (const dryRun of [true, false]) {
      const e = await refusal(engine.call('models.delete', { version: 'mine', dryRun }));
      expect(e.code).toBe('bad-input');
      expect(e.message).toBe('model version "mine" is the active one and cannot be deleted: activate another version first (or roll back), then delete it');
    }
    expect(existsSync(join(dir, 'model.json'))).toBe(true);
    await engine.call('models.rollback');
    expect((await engine.call('models.delete', { version: 'mine' })).deleted).toBe(true);
  });

  it('refused while a training job makes the version or names it as parent; allowed once the job has ended', async () => {
    const { engine, events, dataDir } = open('training');
    const parent = copyOfBase(dataDir, 'p1', { parent: 'base' });
    const { jobId } = await engine.start('train', { corpus, version: 'child', parent: 'p1', steps: 1_000_000 });
    await progressed(events, jobId);
    const onParent = await refusal(engine.call('models.delete', { version: 'p1', dryRun: true }));
    const onChild = await refusal(engine.call('models.delete', { version: 'child' }));
    // The job was running when both were refused (a million steps; it ends only by the cancel below).
    expect(events.some((e) => e.type === 'job-end' && e.jobId === jobId)).toBe(false);
    expect(onParent.code).toBe('busy');
    expect(onParent.message).toBe(`model version "p1" is in use: training "child" as its child is running (pid ${process.pid}); delete it when that has ended, or cancel it`);
    expect(onChild.code).toBe('busy');
    expect(onChild.message).toMatch(/^model version "child" is in use: training it is running/);
    await engine.cancel(jobId);
    expect((await jobEndOf(events, jobId)).state).toBe('cancelled');
    expect(existsSync(join(parent, 'model.json'))).toBe(true);
    expect((await engine.call('models.delete', { version: 'p1' })).deleted).toBe(true);
  }, 300_000);

  it.skipIf(!existsSync(MEDIA_VIDEO))('refused while a fine-tune makes the version or started from it (its parent, active then, another since)', async () => {
    const { engine, events, dataDir } = open('finetune');
    copyOfBase(dataDir, 'p1', { parent: 'base' });
    await engine.call('models.activate', { version: 'p1' });
    const edits = join(dataDir, 'edits');
    mkdirSync(edits, { recursive: true });
    for (const f of readdirSync(MEDIA_VIDEO)) symlinkSync(join(MEDIA_VIDEO, f), join(edits, f));
    const { jobId } = await engine.start('finetune', { videos: edits, version: 'ft', steps: 1_000_000 });
    await progressed(events, jobId);
    await engine.call('models.activate', { version: 'base' });
    const onParent = await refusal(engine.call('models.delete', { version: 'p1' }));
    const onNew = await refusal(engine.call('models.delete', { version: 'ft', dryRun: true }));
    expect(events.some((e) => e.type === 'job-end' && e.jobId === jobId)).toBe(false);
    expect(onParent.code).toBe('busy');
    expect(onParent.message).toBe(`model version "p1" is in use: fine-tuning "ft" from it is running (pid ${process.pid}); delete it when that has ended, or cancel it`);
    expect(onNew.message).toMatch(/^model version "ft" is in use: fine-tuning it is running/);
    await engine.cancel(jobId);
    await jobEndOf(events, jobId);
    expect((await engine.call('models.delete', { version: 'p1' })).deleted).toBe(true);
  }, 600_000);

  it('refused while a re-embed of the library with it runs', async () => {
    const { engine, events, dataDir } = open('reembed');
    copyOfBase(dataDir, 'emb', { parent: 'base' });
    // Long stored features: the job takes minutes, and is cancelled once the refusal is seen.
    fakeTracks(join(dataDir, 'catalog.sqlite'), 150, 1000);
    const { jobId } = await engine.start('library.reembed', { model: 'emb' });
    await progressed(events, jobId);
    const e = await refusal(engine.call('models.delete', { version: 'emb' }));
    expect(events.some((x) => x.type === 'job-end' && x.jobId === jobId)).toBe(false);
    expect(e.code).toBe('busy');
    expect(e.message).toMatch(/^model version "emb" is in use: re-embedding the library with it is running \(pid \d+\)/);
    await engine.cancel(jobId);
    await jobEndOf(events, jobId);
    expect((await engine.call('models.delete', { version: 'emb' })).deleted).toBe(true);
  }, 300_000);

  it('refused while another process uses it (the app trains in a second process; a CLI beside the app); not once that process is gone', async () => {
    const { engine, dataDir } = open('other-process');
    copyOfBase(dataDir, 'shared', { parent: 'base' });
    const other = await holdInAnotherProcess(dataDir, 'shared', 'fine-tuning "ft" from it');
    const e = await refusal(engine.call('models.delete', { version: 'shared' }));
    expect(e.code).toBe('busy');
    expect(e.message).toBe(`model version "shared" is in use: fine-tuning "ft" from it is running (pid ${other.pid}); delete it when that has ended, or cancel it`);
    await other.kill();
    // Its lease names a process that is gone: it counts for nothing (a killed job must not pin a version for ever).
    expect((await engine.call('models.delete', { version: 'shared' })).deleted).toBe(true);
  }, 120_000);

  it('its catalog segments go with it, and what was derived from them (on-disk index, Explore map): a later version of the same name starts clean; others stay', async () => {
    const { engine, dataDir } = open('segments');
    copyOfBase(dataDir, 'seg', { parent: 'base' });
    const catalogPath = join(dataDir, 'catalog.sqlite');
    fakeTracks(catalogPath, 12, 40);
    const db = openCatalog(catalogPath);
    // Unit vectors, one segment per track, under 'seg' and (for track 1) 'base'.
    const set = (i: number) => ({ n: 1, dim: 128, starts: new Float32Array([0]), data: new Float32Array(128).map((_, k) => (k === i % 128 ? 1 : 0)) });
    for (let id = 1; id <= 12; id++) putSegments(db, id, 'seg', set(id));
    putSegments(db, 1, 'base', set(1));
    const count = (v: string): number => (db.prepare('SELECT count(*) AS n FROM segments WHERE model_version = ?').get(v) as { n: number }).n;
    // The Explore map laid out under 'seg' (the engine's own cache file), and an on-disk index folder per version.
    await runJob(engine, 'library.map', { model: 'seg' });
    const maps = join(dataDir, 'map-cache');
    expect(readdirSync(maps).filter((f) => f.endsWith('.json'))).toHaveLength(1);
    const indexes = `${catalogPath}.segment-index`;
    for (const v of ['seg', 'base']) {
      mkdirSync(join(indexes, v), { recursive: true });
      writeFileSync(join(indexes, v, 'rows.f32'), 'x');
    }
    expect((await engine.call('models.delete', { version: 'seg', dryRun: true })).segmentTracks).toBe(12);
    expect(count('seg')).toBe(12);
    expect((await engine.call('models.delete', { version: 'seg' })).segmentTracks).toBe(12);
    expect([count('seg'), count('base')]).toEqual([0, 1]);
    expect(readdirSync(indexes)).toEqual(['base']);
    expect(readdirSync(maps).filter((f) => f.endsWith('.json'))).toEqual([]);
    db.close();
  }, 120_000);

  it('a deletion cut short leaves no listed version, and the next start removes it (not one a live process is removing)', async () => {
    const dataDir = join(tmp, 'leftover');
    copyOfBase(dataDir, 'half', { parent: 'base' });
    copyOfBase(dataDir, 'busy', { parent: 'base' });
    const models = join(dataDir, 'models');
    // As deleteVersion renames before removing: one of a killed process, one of a live one (this).
    const dead = join(models, `.deleting-${deadPid()}-0a0b0c0d-half`);
    const live = join(models, `.deleting-${process.pid}-0a0b0c0d-busy`);
    renameSync(join(models, 'half'), dead);
    renameSync(join(models, 'busy'), live);
    const { engine } = open('leftover');
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect((await engine.call('models.list')).models.map((m) => m.version)).toEqual(['base']);
  });

  it('an activation racing a deletion never leaves the pointer on a deleted version', async () => {
    const { engine, dataDir } = open('race');
    for (let i = 0; i < 8; i++) {
      const v = `r${i}`;
      const dir = copyOfBase(dataDir, v, { parent: 'base' });
      const [activated, deleted] = await Promise.allSettled([engine.call('models.activate', { version: v }), engine.call('models.delete', { version: v })]);
      const active = (await engine.call('models.list')).active;
      // One of the two won: either v is active and there, or it is gone and not active.
      if (deleted.status === 'fulfilled') {
        expect(activated.status).toBe('rejected');
        expect(existsSync(dir)).toBe(false);
        expect(active).not.toBe(v);
      } else {
        expect(activated.status).toBe('fulfilled');
        expect(active).toBe(v);
        expect(existsSync(join(dir, 'model.json'))).toBe(true);
        await engine.call('models.activate', { version: 'base' });
      }
    }
  });
});

describe('a version name never reaches outside the models folder', () => {
  const NAMES = ['..', '.', '../outside', 'a/b', '/tmp', '/', 'a\\..', '', '.deleting-1-0-x', '..\\x'];

  it('each such name is refused by the request schema, and by the registry itself, and nothing is removed', async () => {
    const { engine, dataDir } = open('names');
    copyOfBase(dataDir, 'keep', { parent: 'base' });
    const outside = join(tmp, 'outside');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'model.json'), '{}');
    for (const name of NAMES) {
      const e = await refusal(engine.call('models.delete', { version: name }));
      expect(e.code, name).toBe('invalid-request');
      await expect(deleteVersion(name, registryOptions(engine.ctx)), name).rejects.toThrow(/invalid model version name/);
    }
    expect(readdirSync(join(dataDir, 'models'))).toEqual(['keep']);
    expect(readFileSync(join(outside, 'model.json'), 'utf8')).toBe('{}');
  });

  it('a version folder that is a link (to a version outside) is refused and both stay; a link inside a real version is removed as a link', async () => {
    const { engine, dataDir } = open('links');
    const elsewhere = join(tmp, 'elsewhere');
    copyOfBase(elsewhere, 'linked', { parent: 'base' });
    const target = join(elsewhere, 'models', 'linked');
    mkdirSync(join(dataDir, 'models'), { recursive: true });
    symlinkSync(target, join(dataDir, 'models', 'linked'));
    const e = await refusal(engine.call('models.delete', { version: 'linked' }));
    expect(e.code).toBe('forbidden-path');
    expect(e.message).toBe(`${join(dataDir, 'models', 'linked')}: is a link, not a model version folder; only version folders inside ${join(dataDir, 'models')} are deleted (remove the link yourself)`);
    expect(lstatSync(join(dataDir, 'models', 'linked')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(target, 'model.json'))).toBe(true);
    // A real version folder holding a link to a file outside: the link goes, never what it points at.
    const dir = copyOfBase(dataDir, 'withlink', { parent: 'base' });
    const precious = join(tmp, 'precious.txt');
    writeFileSync(precious, 'keep me');
    symlinkSync(precious, join(dir, 'notes.txt'));
    expect((await engine.call('models.delete', { version: 'withlink' })).deleted).toBe(true);
    expect(existsSync(dir)).toBe(false);
    expect(readFileSync(precious, 'utf8')).toBe('keep me');
  });
});
