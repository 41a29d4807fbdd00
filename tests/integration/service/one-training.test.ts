/**
 * One TF.js run at a time per engine (review S13): a second training job started while one runs
 * failed with "internal error: Variable with name infonce_logit_scale was already registered" (or a
 * false "TF.js backend is not available"). It is now refused as busy, naming the running job, and
 * can start once that one has ended.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { EngineError } from '../../../electron/contract/errors';
import type { EngineEvent } from '../../../electron/contract/types';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { jobEndOf } from '../../helpers/job-end';

const tmp = mkdtempSync(join(tmpdir(), 'nd-one-training-'));
const corpus = join(tmp, 'corpus');
let engine: Engine;
const events: EngineEvent[] = [];

beforeAll(async () => {
  engine = new Engine(contextFromEnv({}, { dataDir: join(tmp, 'data'), threads: 2 }));
  engine.subscribe((e) => events.push(e));
  await runJob(engine, 'corpus', { out: corpus, pairs: 10, seed: 3, trackSeconds: 12 });
}, 180_000);

afterAll(async () => {
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const refusal = (p: Promise<unknown>): Promise<EngineError | null> => p.then(() => null, (e: unknown) => e as EngineError);

describe('training jobs in one engine', () => {
  it('a second TF.js job while one runs is refused as busy; after it ends, it runs', async () => {
    const { jobId } = await engine.start('train', { corpus, version: 'first', steps: 40 });
    const second = await refusal(engine.start('train', { corpus, version: 'second', steps: 2 }));
    expect(second?.code).toBe('busy');
    expect(second?.message).toContain(jobId);
    expect((await refusal(engine.start('evaluate', { corpus })))?.code).toBe('busy');
    expect((await refusal(engine.start('finetune', { version: 'ft', feedback: true })))?.code).toBe('busy');
    const end = await jobEndOf(events, jobId);
    expect(end.state).toBe('done');
    // Refused, not queued: nothing of the refused runs was written.
    expect((await engine.call('models.list')).models.map((m) => m.version)).toEqual(['base', 'first']);
    const after = await runJob(engine, 'train', { corpus, version: 'second', steps: 2 });
    expect(after.version).toBe('second');
  }, 300_000);

  it('a job that failed frees the slot', async () => {
    const failed = await runJob(engine, 'train', { corpus: join(tmp, 'no-such-corpus'), version: 'x', steps: 2 }).then(() => null, (e: unknown) => e as EngineError);
    expect(failed).not.toBeNull();
    expect(failed?.code).not.toBe('busy');
    const ok = await runJob(engine, 'train', { corpus, version: 'third', steps: 2 });
    expect(ok.version).toBe('third');
  }, 300_000);
});
