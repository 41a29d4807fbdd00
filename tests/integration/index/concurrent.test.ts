/**
 * Two indexers on one catalog: the first claims it (a running index job), the second is refused
 * with a clear error naming the other process, so no file is analysed twice; once the first is
 * done a new run finds nothing left to do. Same within one process.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { NeedledropError } from '../../../electron/engine/errors';
import { listJobs } from '../../../electron/engine/jobs/store';
import { indexLibrary, type IndexReport } from '../../../electron/engine/library/indexer';
import { testComponents } from './fixtures/components';
import { makeAudio, tempDir } from './fixtures/media';

const REPO = resolve(import.meta.dirname, '../../..');
const RUNNER = join(REPO, 'tests/integration/index/fixtures/index-run.ts');
const TOTAL = 8;
let root: string;
let lib: string;

beforeAll(() => {
  root = tempDir('concurrent');
  lib = join(root, 'library');
  for (let i = 0; i < TOTAL; i++) makeAudio(join(lib, `t${i}.wav`), { freq: 250 + 41 * i, seconds: 3 });
});
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function runIndexer(db: string): Promise<{ code: number | null; report?: IndexReport; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, lib, db], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((ok) => child.on('exit', (code) => ok({ code, stderr: err, ...(code === 0 ? { report: JSON.parse(out) as IndexReport } : {}) })));
}

it('two processes: never both analyse; the loser is told who holds the catalog', { timeout: 300_000 }, async () => {
  const db = join(root, 'two-processes.sqlite');
  // Create the catalog first so both open an existing file.
  openCatalog(db).close();
  const [a, b] = await Promise.all([runIndexer(db), runIndexer(db)]);
  const runs = [a, b];
  const ok = runs.filter((r) => r.code === 0);
  const refused = runs.filter((r) => r.code !== 0);
  for (const r of refused) {
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/being indexed by another process \(pid \d+\)/);
  }
  // Each file analysed exactly once over both runs (a late second run finds them all unchanged).
  expect(ok.reduce((n, r) => n + r.report!.indexed, 0)).toBe(TOTAL);
  const c = openCatalog(db, { readonly: true });
  expect(listTracks(c)).toHaveLength(TOTAL);
  expect(listJobs(c, 'index').filter((j) => j.state === 'running')).toEqual([]);
  c.close();
});

it('one process: a second run while the first is going is refused, the first completes', { timeout: 300_000 }, async () => {
  const db = openCatalog(join(root, 'one-process.sqlite'));
  try {
    const first = indexLibrary(db, [lib], { jobs: 1, components: testComponents() });
    const second = await indexLibrary(db, [lib], { jobs: 1, components: testComponents() }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(NeedledropError);
    expect((second as NeedledropError).message).toMatch(/^a scan is already running/);
    expect((await first).indexed).toBe(TOTAL);
    // Once it is done, the catalog is free again.
    expect((await indexLibrary(db, [lib], { jobs: 1, components: testComponents() })).unchanged).toBe(TOTAL);
  } finally {
    db.close();
  }
});
