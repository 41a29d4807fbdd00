import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeAbandonedParts } from '../../../scripts/bench/part-dirs';
import { deadPid } from '../../helpers/pids';

const root = mkdtempSync(join(tmpdir(), 'part-dirs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has exited. */

describe('removeAbandonedParts', () => {
  it("removes a killed run's part folder, keeps a live run's, the whole folder and other names", () => {
    const dir = join(root, 'libs', 'v2-48x180-300s');
    const dead = `${dir}.part-${deadPid()}`;
    const live = `${dir}.part-${process.ppid}`;
    const other = join(root, 'libs', 'v2-64x30-30s.part-1');
    const odd = `${dir}.part-12x`;
    for (const d of [dir, dead, live, other, odd]) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'track000.mp3'), 'x');
    }
    expect(removeAbandonedParts(dir)).toEqual([dead]);
    expect(existsSync(dead)).toBe(false);
    for (const d of [dir, live, other, odd]) expect(existsSync(d), d).toBe(true);
  });

  it('removes this process\'s own leftover (a pid reused after a kill) and copes with no parent folder', () => {
    const dir = join(root, 'own', 'lib');
    const mine = `${dir}.part-${process.pid}`;
    mkdirSync(mine, { recursive: true });
    expect(removeAbandonedParts(dir)).toEqual([mine]);
    expect(removeAbandonedParts(join(root, 'nowhere', 'lib'))).toEqual([]);
  });
});
