import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rendererStale } from '../../helpers/renderer-build';

describe('the renderer the e2e tests serve', () => {
  const repo = mkdtempSync(join(tmpdir(), 'nd-renderer-build-'));
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const at = (file: string, seconds: number): void => {
    mkdirSync(join(repo, file, '..'), { recursive: true });
    writeFileSync(join(repo, file), '');
    utimesSync(join(repo, file), seconds, seconds);
  };

  it('is stale when missing, fresh when built after its sources, stale again when a source or the contract changes', () => {
    at('renderer/screens/Match.svelte', 1000);
    at('electron/contract/types.ts', 1000);
    expect(rendererStale(repo)).toBe(true);
    at('renderer/dist/index.html', 2000);
    expect(rendererStale(repo)).toBe(false);
    at('renderer/screens/Match.svelte', 3000);
    expect(rendererStale(repo)).toBe(true);
    at('renderer/dist/index.html', 4000);
    at('electron/contract/types.ts', 5000);
    expect(rendererStale(repo)).toBe(true);
  });

  it('is built by the global setup before any test file runs (two files building it at once broke each other)', () => {
    expect(rendererStale()).toBe(false);
  });
});
