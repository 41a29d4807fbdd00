/**
 * The `needledrop` CLI as a child process, for tests of exit codes and output: the bundle the
 * test run's global setup compiled from the source (NEEDLEDROP_TEST_CLI, tests/helpers/test-home.ts),
 * else the source through tsx.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(REPO_ROOT, 'scripts', 'cli.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** node's arguments that start the CLI with `args`. */
export function cliArgv(...args: string[]): string[] {
  const built = process.env.NEEDLEDROP_TEST_CLI;
  return built ? [built, ...args] : ['--import', 'tsx', CLI, ...args];
}

export function needledrop(...args: string[]): Promise<CliResult> {
  return needledropWithEnv({}, ...args);
}

/** The CLI with extra environment (e.g. NEEDLEDROP_HOME, so a test's caches stay out of the user's data folder). */
export function needledropWithEnv(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  return run(process.execPath, cliArgv(...args), env);
}

/** The CLI with extra environment, waited for (a test that runs commands one after another). */
export function needledropSync(env: Record<string, string>, ...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, cliArgv(...args), { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 180_000 });
}

function run(file: string, argv: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((done) => {
    const p = spawn(file, argv, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** Root ignores file modes: a permission case runs the CLI as `nobody` there (setpriv), whose modes bite. */
export const AS_ROOT = process.getuid?.() === 0;

/** Whether this machine can run the CLI without root's override of file modes (not as root, or with setpriv). */
export function canDropRoot(): boolean {
  return !AS_ROOT || spawnSync('setpriv', ['--version']).status === 0;
}

/** The CLI as a user whose file modes apply (`nobody` under root); the files it must read have to be readable by it. */
export function needledropUnprivileged(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  const command = [process.execPath, ...cliArgv(...args)];
  const [file, ...argv] = AS_ROOT ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...command] : command;
  return run(file, argv, env);
}
