/**
 * The lock behind the active-model pointer (review S12.10), on real files: a lock left by a process
 * that is gone is taken over; one held by a running process is waited for, and after the timeout the
 * error names the lock file and its holder; calls in one process run one at a time, in order.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withFileLock } from '../../../electron/engine/util/file-lock';

const dir = mkdtempSync(join(tmpdir(), 'nd-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('withFileLock', () => {
  it('takes over a lock whose process is gone, and removes its own when done', async () => {
    const lock = join(dir, 'dead.lock');
    // A pid that was a process and is no more: a child that has exited.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(lock, String(gone));
    expect(await withFileLock(lock, 'the thing', async () => 'ran', 2_000)).toBe('ran');
    expect(existsSync(lock)).toBe(false);
  });

  it("waits for a running holder and, after the timeout, names the lock file and the holder's pid", async () => {
    const lock = join(dir, 'live.lock');
    const holder = spawn('sleep', ['30']);
    try {
      writeFileSync(lock, String(holder.pid));
      const t0 = Date.now();
      await expect(withFileLock(lock, 'the thing', async () => 'ran', 300)).rejects.toThrow(`${lock}: the thing is being changed by another process (pid ${holder.pid})`);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
      expect(existsSync(lock)).toBe(true);
    } finally {
      holder.kill();
    }
  });

  it('runs the calls of one process one at a time, in the order made, a failed one not blocking the next', async () => {
    const lock = join(dir, 'queue.lock');
    const log: string[] = [];
    const step = (name: string, fail = false) =>
      withFileLock(lock, 'the thing', async () => {
        log.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 20));
        log.push(`${name} out`);
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const all = await Promise.allSettled([step('a'), step('b', true), step('c')]);
    expect(all.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    expect(existsSync(lock)).toBe(false);
  });
});
