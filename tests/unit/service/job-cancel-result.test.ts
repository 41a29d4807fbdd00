/**
 * A job cancelled while it runs ends as cancelled even when it returns a result instead of
 * throwing (a scan that stops at the next file and returns what it did); and the failed-files
 * list reads as empty when its file is not a list.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../electron/contract/types';
import { JobRunner } from '../../../electron/engine/service/jobs';
import { jobEnded } from '../../helpers/job-end';
import { readFailed } from '../../../electron/engine/service/library';

describe('a cancelled job that returns', () => {
  it('ends as cancelled (with the cancelled error, no result), not as done', async () => {
    const events: EngineEvent[] = [];
    const runner = new JobRunner((e) => events.push(e));
    const id = runner.start('library.scan', (job) => new Promise((resolve) => job.signal.addEventListener('abort', () => resolve({ scanned: 3 }))));
    await new Promise((r) => setImmediate(r));
    runner.cancel(id);
    const end = await jobEnded(events);
    expect(end).toEqual({ type: 'job-end', jobId: id, state: 'cancelled', error: { code: 'cancelled', message: 'library.scan cancelled' } });
    expect(runner.list()[0].state).toBe('cancelled');
  });
});

describe('readFailed', () => {
  it('keeps well-formed entries and reads a file that is not a list as no failures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nd-failed-'));
    try {
      writeFileSync(join(dir, 'failed-files.json'), JSON.stringify([{ path: '/m/a.mp3', reason: 'corrupt' }, { path: 3 }]));
      expect(readFailed(dir)).toEqual([{ path: '/m/a.mp3', reason: 'corrupt' }]);
      writeFileSync(join(dir, 'failed-files.json'), JSON.stringify({ path: '/m/a.mp3', reason: 'corrupt' }));
      expect(readFailed(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
