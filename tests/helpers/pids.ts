import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** The pid of a process that has already exited: what a killed worker or writer leaves in its files. */
export function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

/** The ffmpeg processes reading `file` now (their command line names it). */
export function ffmpegsReading(file: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (basename(args[0] ?? '').startsWith('ffmpeg') && args.some((a) => a.includes(file))) pids.push(Number(name));
  }
  return pids;
}

/** Continue the processes `held` names (stopped with SIGSTOP) and empty it; one already gone is skipped. */
export function continueHeld(held: number[]): void {
  for (const pid of held.splice(0)) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // Already gone (a cancel killed it).
    }
  }
}
