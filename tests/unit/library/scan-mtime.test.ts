/**
 * The scan stats with bigints (for the file's identity, review R1.3); the mtime it hands on must be
 * the one the catalog stored from number stats, or a file whose nanoseconds round up in floating
 * point (x.999999999 s) reads as changed on every scan. The expected value is Node's own number stat.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findAudioFiles, mtimeMsOf } from '../../../electron/engine/library/scan';

const dir = mkdtempSync(join(tmpdir(), 'nd-scan-mtime-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scan mtimes', () => {
  it('are the number stat truncated, also where the nanoseconds round up', async () => {
    const file = join(dir, 'a.ogg');
    writeFileSync(file, 'x');
    // 2024-01-01T00:00:00.999999999Z: sec × 1000 + 999.999999 rounds to the next second in a double
    // (set with touch: utimes takes a double, which cannot hold those nanoseconds).
    for (const t of ['1704067200.999999999', '1704067200.5', '1600000000.123456789']) {
      execFileSync('touch', ['-m', '-d', `@${t}`, file]);
      const expected = Math.trunc(statSync(file).mtimeMs);
      expect(mtimeMsOf(statSync(file, { bigint: true }))).toBe(expected);
      expect((await findAudioFiles([dir]))[0].mtimeMs).toBe(expected);
    }
  });
});
