/**
 * The cache list reports the files where the engine writes them (training checkpoints under
 * <data>/checkpoints, production signatures in <data>/music-space/production.json, the space's
 * vectors beside them, fine-tuning's edit features and base benchmark under <data>), with their
 * sizes; clearing one removes only its own files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheInfo, clearCache, holdCaches } from '../../../electron/engine/service/cache';

const tmp = mkdtempSync(join(tmpdir(), 'nd-cache-sizes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function put(path: string, bytes: number): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, Buffer.alloc(bytes));
}

describe('cacheInfo and clearCache', () => {
  it('sizes each cache at the engine\'s own paths, and clears one alone', async () => {
    const dataDir = join(tmp, 'data');
    const roots = { dataDir, catalogPath: join(dataDir, 'catalog.sqlite') };
    put(join(dataDir, 'checkpoints', 'v1', 'step-100.bin'), 300);
    put(join(dataDir, 'checkpoints', 'v2', 'step-50.bin'), 200);
    put(join(dataDir, 'music-space', 'production.json'), 70);
    put(join(dataDir, 'music-space', 'vectors.json'), 40);
    put(join(dataDir, 'edit-features', 'a.bin'), 11);
    put(join(dataDir, 'base-benchmark', 'b.bin'), 13);
    const size = (name: string) => {
      const e = cacheInfo(roots).find((c) => c.name === name)!;
      return [e.bytes, e.files];
    };
    expect(size('checkpoints')).toEqual([500, 2]);
    expect(size('production-signatures')).toEqual([70, 1]);
    expect(size('music-space-vectors')).toEqual([40, 1]);
    expect(size('edit-features')).toEqual([11, 1]);
    expect(size('base-benchmark')).toEqual([13, 1]);
    // Leased by a job: not clearable, and the entry says by which.
    const release = await holdCaches(roots, ['checkpoints'], 'training "v1"');
    expect(cacheInfo(roots).find((c) => c.name === 'checkpoints')).toMatchObject({ clearable: false, usedBy: `training "v1" (pid ${process.pid})` });
    await expect(clearCache(roots, 'checkpoints')).rejects.toMatchObject({ code: 'busy' });
    release();

    await clearCache(roots, 'checkpoints');
    expect(existsSync(join(dataDir, 'checkpoints'))).toBe(false);
    expect(size('checkpoints')).toEqual([0, 0]);
    expect(size('production-signatures')).toEqual([70, 1]);
    expect(existsSync(join(dataDir, 'music-space', 'vectors.json'))).toBe(true);
  });
});
