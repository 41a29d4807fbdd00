import { spawnSync } from 'node:child_process';

/** The pid of a process that has already exited: what a killed worker or writer leaves in its files. */
export function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}
