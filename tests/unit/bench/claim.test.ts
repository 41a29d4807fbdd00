import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimRun, releaseRun } from '../../../scripts/bench/claim';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const resultIn = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'claim-'));
  dirs.push(dir);
  return join(dir, 'seed-1', 'steps-90', 'infonce.json');
};

describe('claim files shared by benchmark workers', () => {
  it('gives a run to one live worker only, and back after release', () => {
    const result = resultIn();
    expect(claimRun(result, process.pid)).toBe(true);
    expect(readFileSync(`${result}.claim`, 'utf8')).toBe(String(process.pid));
    // the parent of this test process is alive: a second worker
    expect(claimRun(result, process.ppid)).toBe(false);
    releaseRun(result);
    expect(existsSync(`${result}.claim`)).toBe(false);
    expect(claimRun(result, process.ppid)).toBe(true);
  });

  it('takes over the claim of a worker that has died', () => {
    const result = resultIn();
    // a process that has exited: its pid is free
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const deadPid = Number(dead.stdout);
    expect(deadPid).toBeGreaterThan(0);
    expect(claimRun(result, deadPid)).toBe(true);
    expect(claimRun(result, process.pid)).toBe(true);
    expect(readFileSync(`${result}.claim`, 'utf8')).toBe(String(process.pid));
  });

  it('treats a claim file without a pid as abandoned', () => {
    const result = resultIn();
    expect(claimRun(result)).toBe(true);
    writeFileSync(`${result}.claim`, '');
    expect(claimRun(result)).toBe(true);
  });
});
