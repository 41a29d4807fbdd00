/**
 * Review R4.6: `needledrop serve` stopped with SIGTERM while a job ran an ffmpeg died by the signal,
 * its job left 'running' in the catalog. Its stop listeners were 'once': gone by the time the media
 * guard's own listener ran, which, finding itself alone, raised the signal again. Now serve cancels
 * its jobs, records them cancelled and exits 0.
 *
 * A real serve process, a real job (an opened clip's shot cuts: ffmpeg decoding 30 s of video),
 * SIGTERM once its first progress came; the truth is the process's exit and the catalog's row.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../electron/engine/catalog/db';
import { listJobs } from '../../electron/engine/jobs/store';
import { connectEngine } from '../e2e/harness';
import { cliArgv } from '../helpers/cli';
import { sharedMediaDir } from '../helpers/media';

const REPO = resolve(import.meta.dirname, '../..');
const media = await sharedMediaDir();
const root = mkdtempSync(join(tmpdir(), 'nd-serve-sigterm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!media)('needledrop serve stopped with SIGTERM during a job', () => {
  it('cancels the job, records it cancelled and exits 0', async () => {
    const home = join(root, 'home');
    mkdirSync(home);
    const catalog = join(home, 'catalog.db');
    // A catalog on disk: the engine records its jobs there.
    openCatalog(catalog).close();
    const child = spawn(process.execPath, cliArgv('serve', '--port', '0', '--db', catalog), {
      cwd: REPO,
      env: { ...process.env, NEEDLEDROP_HOME: home },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) => child.on('exit', (code, signal) => ok({ code, signal })));
    const url = await new Promise<URL>((ok, fail) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Needledrop UI: (http:\/\/\S+)/.exec(out);
        if (m) ok(new URL(m[1]));
      });
      child.once('exit', () => fail(new Error(`serve exited before printing its URL: ${out}`)));
    });
    const { api, close } = await connectEngine({ origin: url.origin, token: url.searchParams.get('token') ?? '' });
    try {
      const clip = await api.call('clip.open', { path: join(media as string, 'video/big_buck_bunny_0_30.webm') });
      let progressed!: () => void;
      const firstProgress = new Promise<void>((ok) => (progressed = ok));
      api.subscribe((e) => e.type === 'progress' && progressed());
      await api.start('clip.cuts', { id: clip.id });
      await firstProgress;
      child.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
    } finally {
      close();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const db = openCatalog(catalog, { readonly: true });
    try {
      expect(listJobs(db).map((j) => [j.kind, j.state, j.pid])).toEqual([['clip.cuts', 'cancelled', child.pid]]);
    } finally {
      db.close();
    }
  }, 90_000);
});
