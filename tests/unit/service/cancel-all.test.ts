/**
 * JobRunner.cancelAll (what closing the engine does): every running job is cancelled, and the call
 * returns only once they have ended, so whoever closes next finds their files released.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../electron/contract/types';
import { JobRunner } from '../../../electron/engine/service/jobs';

describe('JobRunner.cancelAll', () => {
  it('cancels every running job and waits until each has ended', async () => {
    const events: EngineEvent[] = [];
    const runner = new JobRunner((e) => events.push(e));
    const released: string[] = [];
    // Each job holds its "file" until cancelled, then takes a few ticks to let it go.
    const holdUntilCancelled = (name: string) => (job: { signal: AbortSignal }) =>
      new Promise<void>((_, reject) =>
        job.signal.addEventListener('abort', () =>
          setTimeout(() => {
            released.push(name);
            reject(new Error(`${name} stopped`));
          }, 30),
        ),
      );
    const a = runner.start('library.scan', holdUntilCancelled('a'));
    const b = runner.start('match', holdUntilCancelled('b'));
    await new Promise((r) => setImmediate(r));
    expect(runner.running).toBe(2);
    await runner.cancelAll();
    expect(released.sort()).toEqual(['a', 'b']);
    expect(runner.running).toBe(0);
    const ends = events.filter((e) => e.type === 'job-end');
    expect(ends.map((e) => [e.jobId, e.type === 'job-end' ? e.state : ''])).toEqual(expect.arrayContaining([[a, 'cancelled'], [b, 'cancelled']]));
  });
});
