/**
 * Training refuses to overwrite a model version that already exists, before reading any corpus:
 * the job fails with code "exists", naming the version and its folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../electron/contract/types';
import { JobRunner } from '../../../electron/engine/service/jobs';
import { jobEnded } from '../../helpers/job-end';
import { trainOnCorpus } from '../../../electron/engine/service/training';

describe('trainOnCorpus', () => {
  it('fails with "exists" when the version folder already holds a model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nd-train-exists-'));
    try {
      mkdirSync(join(dir, 'models', 'v1'), { recursive: true });
      writeFileSync(join(dir, 'models', 'v1', 'model.json'), '{}');
      const events: EngineEvent[] = [];
      const runner = new JobRunner((e) => events.push(e));
      // The corpus does not exist: reaching it would fail differently (bad-input).
      runner.start('train', (job) => trainOnCorpus({ corpus: join(dir, 'no-corpus'), version: 'v1' }, { userModelsDir: join(dir, 'models'), checkpointsDir: join(dir, 'ckpt'), registry: {} }, job));
      const end = await jobEnded(events);
      expect(end).toMatchObject({
        state: 'failed',
        error: { code: 'exists', message: `model version "v1" already exists at ${join(dir, 'models', 'v1')}; pick another version name` },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
