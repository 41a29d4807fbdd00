/**
 * A version name being trained is leased for writing across processes (review R1.12): while one
 * real CLI process trains "same", a second CLI process (and an engine in this process) asking for
 * "same" is refused at its start naming the first's pid, before any feature is computed; another
 * name is not refused. Truths: the child's pid from spawn, the lease files read back with fs.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { leasesDir } from '../../../electron/engine/models/in-use';
import { cliArgv, needledropWithEnv, REPO_ROOT } from '../../helpers/cli';
import { tinyCorpus } from '../../helpers/corpus';

const tmp = mkdtempSync(join(tmpdir(), 'nd-train-lease-'));
const home = join(tmp, 'home');
const corpus = join(tmp, 'corpus');

beforeAll(async () => {
  await tinyCorpus(corpus, 5);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The pids whose lease says they write `version`, read from the lease files. */
function writers(version: string): number[] {
  const dir = leasesDir(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    try {
      const l = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { pid: number; uses: Array<{ version: string; writes?: boolean }> };
      return l.uses.some((u) => u.version === version && u.writes) ? [l.pid] : [];
    } catch {
      return [];
    }
  });
}

/**
 * The real CLI (the run's compiled one, as users run it) training `version` on the corpus in its
 * own process, its output gathered as it comes. With `pauseAt`, the child is stopped (SIGSTOP) as
 * soon as its stderr matches, in the same 'data' event: its lease and its place in the run stay as
 * they are, and it burns no CPU while the test looks at them; `resume` continues it.
 */
function trainIn(version: string, steps: number, pauseAt?: RegExp) {
  const child = spawn(process.execPath, cliArgv('train', '--corpus', corpus, '--version', version, '--steps', String(steps)), {
    cwd: REPO_ROOT,
    env: { ...process.env, NEEDLEDROP_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  let markPaused: () => void = () => {};
  const paused = new Promise<void>((done) => (markPaused = done));
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    out.stderr += d.toString();
    if (pauseAt && pauseAt.test(out.stderr) && child.exitCode === null) {
      pauseAt = undefined;
      child.kill('SIGSTOP');
      markPaused();
    }
  });
  const code = new Promise<number | null>((done) => child.on('close', done));
  return { child, pid: child.pid!, out, code, paused, resume: () => child.kill('SIGCONT') };
}

describe('one writer per version name, across processes (review R1.12)', () => {
  it('a second run of a name being trained is refused at start naming the pid; another name is not', async () => {
    // Paused once it trains (its lease was written at its start): a live process holding the lease, idle while the others ask.
    const first = trainIn('same', 100000, /step \d+\//);
    const ended = first.code;
    try {
      await Promise.race([first.paused, ended]);
      expect(writers('same'), first.out.stderr).toEqual([first.pid]);

      const second = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'train', '--corpus', corpus, '--version', 'same', '--steps', '5');
      expect(second.code, second.stderr).toBe(1);
      expect(second.stderr).toContain(`model version "same" is being written by process ${first.pid} (training it, pid ${first.pid})`);
      expect(second.stderr).not.toMatch(/Computing|features|step \d/i);

      // An engine of this process (the app's other engine, say) is refused the same way; fine-tuning the name too.
      const engine = new Engine(contextFromEnv({ NEEDLEDROP_HOME: home }, { dataDir: home }));
      try {
        await expect(runJob(engine, 'train', { corpus, version: 'same', steps: 5 })).rejects.toMatchObject({ code: 'busy', message: expect.stringContaining(`pid ${first.pid}`) });
        await expect(runJob(engine, 'finetune', { feedback: true, version: 'same' })).rejects.toMatchObject({ code: 'busy', message: expect.stringContaining(`pid ${first.pid}`) });
        // Another name is not refused for it (no catalog here: refused for having no judgements instead).
        await expect(runJob(engine, 'finetune', { feedback: true, version: 'other' })).rejects.not.toMatchObject({ code: 'busy' });
      } finally {
        await engine.close();
      }
      expect(existsSync(join(home, 'models', 'same'))).toBe(false);
    } finally {
      first.resume();
      first.child.kill('SIGINT');
      await ended;
    }
    // Its lease went with it.
    expect(writers('same')).toEqual([]);
  }, 300_000);

  it('a run whose name was taken meanwhile (a folder copied in by hand) keeps its weights under the next free name', async () => {
    // Stopped at its first step line (its start checks passed, its save still ahead whatever the
    // machine's speed): the shipped base is copied in as "held" meanwhile, then it goes on.
    const child = trainIn('held', 30, /step \d+\//);
    try {
      await Promise.race([child.paused, child.code]);
      expect(child.out.stdout, child.out.stderr).not.toContain('written to');
      cpSync(join(REPO_ROOT, 'models', 'base'), join(home, 'models', 'held'), { recursive: true });
    } finally {
      child.resume(); // never left stopped, whatever failed
    }
    expect(await child.code, child.out.stderr).toBe(0);
    const { stdout } = child.out;
    expect(stdout).toContain(`note: model version "held" was made by something else while this run trained (${join(home, 'models', 'held')}): this run is saved as "held-2" instead, at ${join(home, 'models', 'held-2')}`);
    expect(stdout).toContain(`model held-2 written to ${join(home, 'models', 'held-2')}`);
    expect(JSON.parse(readFileSync(join(home, 'models', 'held-2', 'model.json'), 'utf8'))).toMatchObject({ version: 'held-2' });
    // The copied folder is left as it was.
    expect(readFileSync(join(home, 'models', 'held', 'model.json'), 'utf8')).toBe(readFileSync(join(REPO_ROOT, 'models', 'base', 'model.json'), 'utf8'));
  }, 300_000);
});
