/**
 * The signal guards of spawned tools are listening before the child exists. A SIGINT that lands
 * between ffmpeg's exec and `spawn` returning found no listener, killed node by default and left
 * the export's ffmpeg encoding on, re-parented (CI, safety.test.ts "SIGINT", once in a while).
 */
import type * as ChildProcessModule from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';

const seenAtSpawn: number[] = [];
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof ChildProcessModule>();
  return {
    ...real,
    // The real spawn, with a note of who listens for SIGINT at the moment the child is made.
    spawn: (...args: Parameters<typeof real.spawn>) => {
      seenAtSpawn.push(process.listenerCount('SIGINT'));
      return real.spawn(...args);
    },
  };
});

const { spawnTool } = await import('../../../electron/engine/media/process');

afterEach(() => {
  seenAtSpawn.length = 0;
});

describe('spawnTool and signals', () => {
  it('listens for TERM/HUP/INT before the child exists and stops once the last child is gone', async () => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
    const p = spawnTool('/bin/sleep', ['5']);
    expect(seenAtSpawn).toEqual([before[0] + 1]);
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual(before.map((n) => n + 1));
    const exit = await p.dispose();
    expect(exit.signal).toBe('SIGKILL');
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual(before);
  });

  it('a spawn that throws leaves no listener behind', () => {
    const before = process.listenerCount('SIGINT');
    expect(() => spawnTool('/bin/sleep', ['1\u0000'])).toThrow();
    expect(seenAtSpawn).toEqual([before + 1]);
    expect(process.listenerCount('SIGINT')).toBe(before);
  });
});
