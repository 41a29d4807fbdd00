/**
 * A script rendering corpus pairs (generalise.ts --render-only, the loss-table's extra test sets)
 * that is sent TERM/INT ends its ffmpeg too: the renderer spawns through spawnTool, whose guards
 * kill the live tools. Before, render.ts spawned ffmpeg itself and the encoder ran on, re-parented.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/media';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const RUNNER = join(REPO, 'tests/integration/corpus/fixtures/render-run.ts');
let tmp: { dir: string; cleanup: () => Promise<void> };

beforeAll(async () => {
  tmp = await tempDir('needledrop-render-signal-');
});
afterAll(async () => {
  await tmp.cleanup();
});

const parentOf = (pid: string): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1];
  } catch {
    return undefined;
  }
};

/** True while the pid is a live (not zombie) process with this exact command line. */
function running(pid: number, cmdline: string): boolean {
  try {
    if (/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === cmdline;
  } catch {
    return false;
  }
}

describe('a signalled corpus render', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal}: the script dies by it and its ffmpeg does not run on`, async () => {
      const out = join(tmp.dir, signal);
      const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, out], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] });
      let pid = 0;
      for (let i = 0; i < 1200 && pid === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const ours = readdirSync('/proc').filter((d) => /^\d+$/.test(d) && parentOf(d) === String(child.pid));
        const ffmpeg = ours.find((d) => {
          try {
            return readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('pipe:0');
          } catch {
            return false;
          }
        });
        pid = ffmpeg ? Number(ffmpeg) : 0;
      }
      expect(pid).toBeGreaterThan(0);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const exited = new Promise<string | null>((r) => child.once('exit', (_code, sig) => r(sig)));
      child.kill(signal);
      expect(await exited).toBe(signal);
      // Up to 30 s for the kernel to reap it on a loaded machine; only "never" is a failure.
      for (let i = 0; i < 600 && running(pid, cmdline); i++) await new Promise((r) => setTimeout(r, 50));
      const orphan = running(pid, cmdline);
      if (orphan) process.kill(pid, 'SIGKILL');
      expect(orphan).toBe(false);
    });
  }
});
