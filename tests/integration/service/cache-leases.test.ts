/**
 * Review R1.8: Settings → Clear deleted the base benchmark under a CLI fine-tune of another
 * process, which died with "internal error" and a stack. Now a job holds a lease on the caches it
 * uses, seen by every process: Clear is refused naming the job and its pid while that process
 * lives, allowed once it is gone (its lease left behind counts for nothing); a cache deleted by
 * hand under a job ends it with a plain error naming the folder. Truths: a child process's pid from
 * spawn, the folders on disk read back with fs, ffmpeg's own failure on a folder that is gone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { CacheEntry, EngineEvent } from '../../../electron/contract/types';
import { generateCorpus } from '../../../electron/engine/corpus/generate';
import { NeedledropError } from '../../../electron/engine/errors';
import { ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { cacheLeasesDir, usingCaches } from '../../../electron/engine/service/cache';
import { toErrorData } from '../../../electron/engine/service/errors';
import { REPO_ROOT } from '../../helpers/cli';
import { TINY_RENDER } from '../../helpers/corpus';

const tmp = mkdtempSync(join(tmpdir(), 'nd-cache-leases-'));
const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
  rmSync(tmp, { recursive: true, force: true });
});

function open(dataDir: string): Engine {
  const engine = new Engine(contextFromEnv({}, { dataDir, threads: 1 }));
  engines.push(engine);
  return engine;
}

const entry = (list: CacheEntry[], name: CacheEntry['name']): CacheEntry => list.find((c) => c.name === name)!;

/** Another process holding a lease on `cache` of `dataDir` (as a CLI fine-tune's engine does), until killed. */
async function holderProcess(dataDir: string, cache: CacheEntry['name'], why: string) {
  const code = `import { holdCaches } from ${JSON.stringify(join(REPO_ROOT, 'electron/engine/service/cache.ts'))};
await holdCaches({ dataDir: ${JSON.stringify(dataDir)}, catalogPath: ${JSON.stringify(join(dataDir, 'catalog.sqlite'))} }, [${JSON.stringify(cache)}], ${JSON.stringify(why)});
process.stdout.write('held\\n');
setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((held, failed) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('held') && held());
    child.on('close', (c) => failed(new Error(`holder ended (${c}): ${err}`)));
  });
  const closed = new Promise<void>((done) => child.on('close', () => done()));
  return { pid: child.pid!, kill: async () => (child.kill('SIGKILL'), await closed) };
}

describe('cache leases across processes (review R1.8)', () => {
  it('Clear is refused naming the job and the pid while another process uses the cache, allowed once that process is gone', async () => {
    const dataDir = join(tmp, 'cross');
    const bench = join(dataDir, 'base-benchmark');
    mkdirSync(join(bench, 'music'), { recursive: true });
    writeFileSync(join(bench, 'music', 'p00001.wav'), Buffer.alloc(1000));
    const holder = await holderProcess(dataDir, 'base-benchmark', 'fine-tuning "cross-clear"');
    const engine = open(dataDir);
    try {
      expect(entry(await engine.call('cache.info'), 'base-benchmark')).toMatchObject({ clearable: false, usedBy: `fine-tuning "cross-clear" (pid ${holder.pid})` });
      await expect(engine.call('cache.clear', { name: 'base-benchmark' })).rejects.toMatchObject({
        code: 'busy',
        message: `the Base benchmark cache is in use: fine-tuning "cross-clear" is running (pid ${holder.pid}); clear it when that has ended, or cancel it`,
      });
      expect(existsSync(join(bench, 'music', 'p00001.wav'))).toBe(true);
      // Another cache is not held: cleared.
      expect(entry(await engine.call('cache.clear', { name: 'checkpoints' }), 'checkpoints').clearable).toBe(true);
    } finally {
      await holder.kill();
    }
    // Killed: its lease file is still there, and counts for nothing.
    expect(readdirSync(cacheLeasesDir(dataDir))).toHaveLength(1);
    const after = entry(await engine.call('cache.clear', { name: 'base-benchmark' }), 'base-benchmark');
    expect(after).toMatchObject({ clearable: true, files: 0 });
    expect(after.usedBy).toBeUndefined();
    expect(existsSync(bench)).toBe(false);
    expect(readdirSync(cacheLeasesDir(dataDir))).toEqual([]);
  }, 60_000);

  it("a fine-tuning job leases its caches for its whole run: another engine's Settings sees them in use, by whom", async () => {
    const dataDir = join(tmp, 'job');
    const edits = join(tmp, 'edits');
    mkdirSync(edits, { recursive: true });
    const made = spawnSync(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=32x32:r=8:d=1', '-f', 'lavfi', '-i', 'sine=f=440:d=1', '-shortest', join(edits, 'edit.mp4')]);
    expect(made.status, made.stderr?.toString()).toBe(0);
    const engine = open(dataDir);
    const settings = open(dataDir);
    let during: CacheEntry[] | null = null;
    engine.subscribe((e: EngineEvent) => {
      // Read at the job's first progress (cache.info answers synchronously from the lease files).
      if (e.type === 'progress' && !during) void settings.call('cache.info').then((list) => (during ??= list));
    });
    // One short edit is too few to fine-tune on: the run ends after its features, refused.
    await expect(runJob(engine, 'finetune', { videos: edits, version: 'wired' })).rejects.toMatchObject({ code: 'bad-input' });
    expect(during).not.toBeNull();
    for (const name of ['edit-features', 'base-benchmark', 'checkpoints'] as const) {
      expect(entry(during!, name)).toMatchObject({ clearable: false, usedBy: `fine-tuning "wired" (pid ${process.pid})` });
    }
    expect(entry(during!, 'map').clearable).toBe(true);
    // Ended: released.
    for (const c of await settings.call('cache.info')) expect(c.clearable).toBe(true);
    expect(readdirSync(cacheLeasesDir(dataDir))).toEqual([]);
  }, 120_000);

  it('a cache deleted by hand under a job ends it with a plain error naming the folder, not "internal error"', async () => {
    const dataDir = join(tmp, 'vanish');
    const roots = { dataDir, catalogPath: join(dataDir, 'catalog.sqlite') };
    const bench = join(dataDir, 'base-benchmark');
    // The base benchmark's own renderer (corpus/render.ts, as in the review's stack); the folder removed after the first pair.
    const render = (): Promise<unknown> =>
      generateCorpus({ ...TINY_RENDER, seed: 5, pairs: 3, holdOut: false, outDir: bench, onProgress: (p) => void (p.done === 1 && rmSync(bench, { recursive: true, force: true })) });
    const err = await usingCaches(roots, { caches: ['edit-features', 'base-benchmark', 'checkpoints'], why: 'fine-tuning "gone"' }, render).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(NeedledropError);
    const data = toErrorData(err);
    expect(data).toMatchObject({ code: 'bad-input', file: bench });
    expect(data.message).toBe(`${bench}: the base benchmark cache was deleted while fine-tuning "gone" was using it (not by Clear in Settings, which waits for the job to end); run it again: the cache is rebuilt`);
    // What the job itself failed with (kept as the detail) is the internal failure the review saw.
    expect(toErrorData((err as Error).cause).code).toBe('internal');
    expect(readdirSync(cacheLeasesDir(dataDir))).toEqual([]);
  }, 60_000);
});
