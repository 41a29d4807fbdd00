/** The `needledrop` CLI from source as a child process, for tests of exit codes and output. */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO_ROOT, 'scripts', 'cli.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function needledrop(...args: string[]): Promise<CliResult> {
  return needledropWithEnv({}, ...args);
}

/** The CLI with extra environment (e.g. NEEDLEDROP_HOME, so a test's caches stay out of the user's data folder). */
export function needledropWithEnv(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => done({ code, stdout, stderr }));
  });
}
