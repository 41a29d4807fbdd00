/**
 * A late cancel is told from an unknown id by the runner's own id prefix (session 19's note: "late
 * cancel of non job-N ids"). A restarted Electron engine gives `job-r1-N` (a training engine
 * `training-job-N`): once such a job ended and was pruned from the list (200 finished jobs are
 * kept), its cancel was refused as never given, while another engine's `job-3`, or a `job-0` no
 * runner gives, was taken as a late cancel. The truths: the ids `start` returned, each job's end event.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/contract/errors';
import type { EngineEvent } from '../../../electron/contract/types';
import { JobRunner } from '../../../electron/engine/service/jobs';

/** More finished jobs than the runner keeps in its list (KEEP_FINISHED), so the first is pruned. */
const PAST_KEPT = 205;

const answer = (runner: JobRunner, id: string): string => {
  try {
    runner.cancel(id);
    return 'ok';
  } catch (err) {
    return err instanceof EngineError ? `${err.code}: ${err.message}` : `not an EngineError: ${String(err)}`;
  }
};

async function runnerWithEnded(prefix: string): Promise<{ runner: JobRunner; ids: string[] }> {
  const events: EngineEvent[] = [];
  const runner = new JobRunner((e) => events.push(e), Date.now, undefined, prefix);
  const ids = Array.from({ length: PAST_KEPT }, () => runner.start('corpus', async () => ({})));
  while (events.filter((e) => e.type === 'job-end').length < ids.length) await new Promise((r) => setImmediate(r));
  return { runner, ids };
}

describe('JobRunner.cancel by its own id prefix', () => {
  it.each(['job-r1', 'training-job', 'job'])('prefix %s: an ended job pruned from the list is cancelled late; ids it never gave are refused', async (prefix) => {
    const { runner, ids } = await runnerWithEnded(prefix);
    expect(ids[0]).toBe(`${prefix}-1`);
    // Pruned: the list no longer holds it, yet this runner gave it.
    expect(runner.list().some((j) => j.id === ids[0])).toBe(false);
    expect(answer(runner, ids[0])).toBe('ok');
    expect(answer(runner, ids[ids.length - 1])).toBe('ok');
    for (const never of [`${prefix}-0`, `${prefix}-01`, `${prefix}-${PAST_KEPT + 1}`, `${prefix}-1.0`, `${prefix}-`, `x${prefix}-1`]) {
      expect(answer(runner, never), never).toBe(`not-found: no job with id "${never}"`);
    }
  });

  it('a restarted engine refuses the first engine’s ids (job-N): it never gave them', async () => {
    const { runner } = await runnerWithEnded('job-r1');
    expect(answer(runner, 'job-3')).toBe('not-found: no job with id "job-3"');
    expect(answer(runner, 'job-r2-3')).toBe('not-found: no job with id "job-r2-3"');
  });
});
