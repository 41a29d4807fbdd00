/**
 * Whether a process id is alive: this process is, a child that has exited is not, and a process
 * of another user (pid 1, init, when not root) counts as alive.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pidAlive } from '../../../electron/engine/util/pid';

describe('pidAlive', () => {
  it('is true for this process and pid 1, false for a child that has exited', () => {
    expect(pidAlive(process.pid)).toBe(true);
    expect(pidAlive(1)).toBe(true);
    const child = spawnSync(process.execPath, ['-e', '0']);
    expect(child.status).toBe(0);
    expect(pidAlive(child.pid as number)).toBe(false);
  });
});
