import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimRun, readClaim, releaseRun, takeOver } from '../../../scripts/bench/claim';
import { deadPid } from '../../helpers/pids';

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
    const dead = deadPid();
    expect(dead).toBeGreaterThan(0);
    expect(claimRun(result, dead)).toBe(true);
    expect(claimRun(result, process.pid)).toBe(true);
    expect(readFileSync(`${result}.claim`, 'utf8')).toBe(String(process.pid));
  });

  it('gives a dead worker\'s run to one of two workers that both saw it dead', () => {
    const result = resultIn();
    const dead = String(deadPid());
    mkdirSync(dirname(result), { recursive: true });
    writeFileSync(`${result}.claim`, dead);
    // Both read the dead claim before either acted; the first wins, the late one must not replace its claim.
    const seen = readClaim(result)!;
    expect(seen.holder).toBe(dead);
    expect(takeOver(result, seen, process.pid)).toBe(true);
    expect(takeOver(result, seen, process.ppid)).toBe(false);
    expect(readFileSync(`${result}.claim`, 'utf8')).toBe(String(process.pid));
    expect(claimRun(result, process.ppid)).toBe(false);
    // Released, the run (and a later takeover of this worker's claim) is free again.
    releaseRun(result);
    expect(readdirSync(dirname(result))).toEqual([]);
    expect(claimRun(result, process.ppid)).toBe(true);
  });

  it('takes a run over again when the worker that took it over dies too (review R1)', () => {
    const result = resultIn();
    const [first, second] = [deadPid(), deadPid()];
    expect(claimRun(result, first)).toBe(true);
    // `second` took the run from dead `first`, then died as well.
    expect(claimRun(result, second)).toBe(true);
    expect(claimRun(result, process.pid)).toBe(true);
    expect(readFileSync(`${result}.claim`, 'utf8')).toBe(String(process.pid));
  });

  it('does not let a worker that stalled past the run\'s release and a fresh claim replace that claim (review R2)', () => {
    const result = resultIn();
    const dead = String(deadPid());
    mkdirSync(dirname(result), { recursive: true });
    writeFileSync(`${result}.claim`, dead);
    const stale = readClaim(result)!; // a worker reads the dead claim, then stalls
    expect(takeOver(result, stale, process.pid)).toBe(true); // another takes the run over, trains it, gives it back
    releaseRun(result);
    expect(claimRun(result, process.ppid)).toBe(true); // a fresh claim by a live worker
    expect(takeOver(result, stale, 1)).toBe(false); // the stalled worker wakes up
    expect(readFileSync(`${result}.claim`, 'utf8')).toBe(String(process.ppid));
  });

  it('gives each run to exactly one of several processes racing for it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'claim-race-'));
    dirs.push(dir);
    const runs = Array.from({ length: 1500 }, (_, i) => join(dir, `run-${i}.json`));
    const claimModule = join(__dirname, '../../../scripts/bench/claim.ts');
    // The racers start together (on a line from the test), claim every run they can in the same
    // order, so that they collide on most runs, and print the ones they got; then they stay alive,
    // holding their claims, until the test closes their stdin (a racer gone early would rightly
    // lose its claims to the others).
    const racer = `import { claimRun } from ${JSON.stringify(claimModule)};
const runs = ${JSON.stringify(runs)};
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  const won = runs.filter((r) => claimRun(r));
  process.stdout.write(JSON.stringify(won) + '\\n');
  process.stdin.on('end', () => process.exit(0));
});`;
    const script = join(dir, 'racer.ts');
    writeFileSync(script, racer);
    const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
    let ready = 0;
    const racers = Array.from({ length: 4 }, () => spawn(tsx, [script], { stdio: ['pipe', 'pipe', 'inherit'] }));
    return Promise.all(
      racers.map(
        (child) =>
          new Promise<string[]>((done) => {
            let out = '';
            child.stdout.on('data', (d: Buffer) => {
              out += d.toString();
              const lines = out.split('\n');
              if (lines[0] === 'ready' && lines.length === 2 && ++ready === racers.length) for (const c of racers) c.stdin.write('go\n');
              if (lines.length === 3) done(JSON.parse(lines[1]) as string[]);
            });
          }),
      ),
    ).then((wins) => {
      for (const child of racers) child.stdin.end();
      const all = wins.flat();
      expect(all.length).toBe(runs.length);
      expect(new Set(all).size).toBe(runs.length);
    });
  }, 60_000);

  it('treats a claim file without a pid as abandoned', () => {
    const result = resultIn();
    expect(claimRun(result)).toBe(true);
    writeFileSync(`${result}.claim`, '');
    expect(claimRun(result)).toBe(true);
  });
});
