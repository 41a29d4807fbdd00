/**
 * Where a confined front may make a corpus inside the data folder (review R5.2): only
 * <data>/corpus (what the Train screen offers) and <data>/corpora/<name>. A request naming another
 * first-level entry that did not exist yet (active-model.json before the first activation, models/
 * before the first trained version) made a corpus folder there and left engine.info, models.* and
 * the CLI failing on an "unreadable active-model pointer".
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { contextFromEnv, Engine } from '../../../electron/engine/service';

const tmp = mkdtempSync(join(tmpdir(), 'nd-corpus-place-'));
const data = join(tmp, 'data');
let engine: Engine;
const corpus = (out: string) => runJob(engine, 'corpus', { out, pairs: 2, seed: 1, trackSeconds: 1, clipSeconds: 1, jobs: 1 });

beforeAll(async () => {
  mkdirSync(data); // as the app's first start leaves it: the folder, no active-model.json, no models/
  engine = new Engine(contextFromEnv({}, { dataDir: data, confined: true }));
  await engine.call('engine.info', undefined);
}, 60_000);
afterAll(async () => {
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('a corpus made by a confined front inside the data folder (review R5.2)', () => {
  it('refuses active-model.json and models/ on a fresh data folder, creating nothing, and the engine still answers', async () => {
    for (const name of ['active-model.json', 'models', 'checkpoints']) {
      const out = join(data, name);
      expect(existsSync(out)).toBe(false);
      await expect(corpus(out)).rejects.toMatchObject({ code: 'forbidden-path', message: expect.stringContaining(`${out}: is inside Needledrop's data folder`) });
      expect(existsSync(out)).toBe(false);
    }
    // Nor the folder that holds named corpora, only a corpus inside it.
    mkdirSync(join(data, 'corpora'));
    await expect(corpus(join(data, 'corpora'))).rejects.toMatchObject({ code: 'forbidden-path', message: expect.stringContaining(join(data, 'corpora', '<name>')) });
    expect((await engine.call('models.list', undefined)).active).toBe('base');
  });

  it('still makes a corpus in <data>/corpus and <data>/corpora/<name>', async () => {
    expect((await corpus(join(data, 'corpus'))).pairs).toBe(2);
    expect(existsSync(join(data, 'corpus', 'manifest.json'))).toBe(true);
    expect((await corpus(join(data, 'corpora', 'small'))).pairs).toBe(2);
    expect(existsSync(join(data, 'corpora', 'small', 'manifest.json'))).toBe(true);
  }, 120_000);
});
