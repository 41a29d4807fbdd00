/**
 * A job whose process was killed, listed by an engine that stays open (session 21, F2.3). Rows left
 * 'running' were marked interrupted only when a process opened the catalog or started a job, so the
 * app's engine (or `serve`) listed a job of a CLI killed since as running. Now the listing checks the
 * owner's pid as the leases do and says "interrupted (process N ended)".
 *
 * The owner is a real child process that records a job in the catalog (as the CLI's indexer does,
 * jobs/store.ts startJob) and is killed with SIGKILL; the engine opened the catalog before.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';

const REPO = resolve(import.meta.dirname, '../../..');
const root = mkdtempSync(join(tmpdir(), 'nd-jobs-dead-owner-'));
let engine: Engine | undefined;
afterAll(async () => {
  await engine?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a recorded job whose process was killed', () => {
  it('is listed as interrupted, naming the process, by an engine that had the catalog open; running while it lives', async () => {
    const dataDir = join(root, 'home');
    engine = new Engine(contextFromEnv({}, { dataDir, threads: 1 }));
    // Opens (creates) the catalog: its interrupted rows are marked now, not again.
    expect(await engine.call('jobs.list')).toEqual([]);

    const owner = join(root, 'owner.mts');
    writeFileSync(
      owner,
      [
        `import { openCatalog } from ${JSON.stringify(join(REPO, 'electron/engine/catalog/db.ts'))};`,
        `import { startJob } from ${JSON.stringify(join(REPO, 'electron/engine/jobs/store.ts'))};`,
        `const id = startJob(openCatalog(${JSON.stringify(join(dataDir, 'catalog.sqlite'))}), 'index', 6);`,
        'process.stdout.write(`${process.pid} ${id}\\n`);',
        'setInterval(() => {}, 1000);',
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', owner], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((ok) => child.on('exit', (_code, signal) => ok(signal)));
    const [pid, row] = await new Promise<number[]>((ok, fail) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.endsWith('\n')) ok(out.trim().split(' ').map(Number));
      });
      child.on('exit', () => fail(new Error(`the owner process ended before recording its job: ${out}`)));
    });
    expect(pid).toBe(child.pid);

    const listed = async () => (await engine!.call('jobs.list')).find((j) => j.id === `catalog-${row}`);
    expect(await listed()).toMatchObject({ op: 'index', state: 'running', total: 6 });
    expect((await listed())?.error).toBeUndefined();

    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await listed()).toMatchObject({ op: 'index', state: 'interrupted', error: `interrupted (process ${pid} ended)` });
  }, 60_000);
});
