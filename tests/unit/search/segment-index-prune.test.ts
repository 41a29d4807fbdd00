/**
 * Pruning a shared root after a build: a build folder (`.building-<pid>-<random>`) is kept while
 * its process exists, even when it is another user's (kill(pid, 0) says EPERM), and removed once
 * the process is gone (ESRCH); other keys' folders are removed. process.kill is wrapped to
 * answer for two chosen pids (running as root here, no real process would answer EPERM).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { loadSegmentIndexIn } from '../../../electron/engine/search/segment-index';
import { rng, track, unitRows, trackInfo } from './synthetic';

const d = 8;
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'nd-index-prune-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(root, { recursive: true, force: true });
});
const info = trackInfo;

it("keeps another user's live build, removes a dead one's and other keys' folders", async () => {
  const othersLive = 1234567; // kill(pid, 0): EPERM, the process exists
  const gone = 2345678; // kill(pid, 0): ESRCH
  const probed: number[] = [];
  const realKill = process.kill.bind(process);
  vi.spyOn(process, 'kill').mockImplementation((pid: number, signal?: string | number) => {
    probed.push(pid);
    if (pid === othersLive) throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
    if (pid === gone) throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
    return realKill(pid, signal);
  });
  const live = join(root, `.building-${othersLive}-0a0b`);
  const dead = join(root, `.building-${gone}-0c0d`);
  const oldKey = join(root, '0123456789abcdef0123456789abcdef');
  for (const folder of [live, dead, oldKey]) {
    mkdirSync(folder);
    writeFileSync(join(folder, 'rows.f32'), 'x'); // not empty: removing it needs a recursive rm
  }
  const opened = await loadSegmentIndexIn(root, 'k', d, () => [track(1, unitRows(rng(80), 5, d), d)], info);
  await opened.close();
  expect(existsSync(live)).toBe(true);
  expect(existsSync(dead)).toBe(false);
  expect(existsSync(oldKey)).toBe(false);
  expect(readdirSync(root)).toHaveLength(2);
  expect(probed.filter((pid) => pid !== process.pid).sort()).toEqual([othersLive, gone]);
});
