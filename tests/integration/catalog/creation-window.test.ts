/**
 * Review R4.8: a reader saw "no such table: files" on a catalog a fresh index was creating. The file
 * existed (created by SQLite's open) before its first migration committed. Now a new catalog is made
 * whole under a temporary name and linked into place. Two real processes: one creating catalogs, one
 * reading each the moment its file appears, as the sqlite3 shell would (plain better-sqlite3); and
 * several processes opening one half-made catalog at once (they both migrated it, and one failed).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { MIGRATIONS } from '../../../electron/engine/catalog/migrations';
import { REPO_ROOT } from '../../helpers/cli';
import { tempDir } from '../../helpers/media';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await tempDir('needledrop-catalog-creation-');
});
afterAll(() => tmp?.cleanup());

/** Runs `code` (an ES module; with `ts` the repo's TypeScript importable) in a new node process with `args`. */
function node(code: string, args: string[], ts: boolean, onLine?: (line: string) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const p = spawn(process.execPath, [...(ts ? ['--import', 'tsx'] : []), '--input-type=module', '-e', code, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (onLine) for (const l of d.toString().split('\n')) if (l) onLine(l);
    });
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (c) => done({ code: c, stdout, stderr }));
  });
}

/** Polls for each catalog in turn and queries it the moment it is there: how often the tables were missing. */
const READER = `
import Database from 'better-sqlite3';
import { existsSync, writeSync } from 'node:fs';
const [root, n] = [process.argv[1], Number(process.argv[2])];
const seen = { noTable: 0, ok: 0, other: [] };
// Written at once: the polling below never yields to the event loop.
writeSync(1, 'ready\\n');
const until = Date.now() + 30000;
const nap = new Int32Array(new SharedArrayBuffer(4));
for (let i = 0; i < n; i++) {
  const p = root + '/' + i + '/catalog.sqlite';
  // A millisecond between looks: the old window (file made, schema not committed) was several.
  while (!existsSync(p)) {
    if (Date.now() > until) { seen.other.push('timeout ' + i); break; }
    Atomics.wait(nap, 0, 0, 1);
  }
  try {
    const db = new Database(p, { readonly: true, fileMustExist: true });
    try { db.prepare('SELECT count(*) AS n FROM files').get(); seen.ok++; } finally { db.close(); }
  } catch (e) {
    if (/no such table/.test(e.message)) seen.noTable++; else seen.other.push(e.code + ' ' + e.message);
  }
}
console.log(JSON.stringify(seen));
`;

const CREATOR = `
import { mkdirSync } from 'node:fs';
import { openCatalog } from './electron/engine/catalog/db.ts';
const [root, n] = [process.argv[1], Number(process.argv[2])];
for (let i = 0; i < n; i++) { mkdirSync(root + '/' + i); openCatalog(root + '/' + i + '/catalog.sqlite').close(); }
`;

describe('a catalog being created', () => {
  it('a reader polling for new catalogs never finds one without its tables', async () => {
    // Measured on the old code: 121 of 150 catalogs, and 10 of 20, were seen with no tables.
    const n = 16;
    const root = join(tmp.dir, 'fresh');
    mkdirSync(root);
    let creator: Promise<{ code: number | null; stderr: string }> | undefined;
    const reader = await node(READER, [root, String(n)], false, (line) => {
      if (line === 'ready') creator = node(CREATOR, [root, String(n)], true);
    });
    expect(creator, `the reader did not start: ${reader.stderr}`).toBeDefined();
    const made = await creator!;
    expect(made.code, made.stderr).toBe(0);
    expect(reader.code, reader.stderr).toBe(0);
    expect(JSON.parse(reader.stdout.trim().split('\n').at(-1)!)).toEqual({ noTable: 0, ok: n, other: [] });
    // No temporary file is left beside a catalog (the reader's read-only connections leave -wal and -shm).
    for (let i = 0; i < n; i++) expect(readdirSync(join(root, String(i))).filter((f) => !/-(wal|shm)$/.test(f))).toEqual(['catalog.sqlite']);
  }, 60_000);

  it('processes opening one half-made catalog at once all migrate it, once', async () => {
    // What a creation killed before its schema committed left: an empty file (SQLite reads it as a database with no tables).
    const home = join(tmp.dir, 'half-made');
    const path = join(home, 'catalog.sqlite');
    mkdirSync(home);
    writeFileSync(path, '');
    // Each opener loads, says so, and waits for the go file: then they open within a millisecond of each other.
    const go = join(home, 'go');
    const opener = `
import { existsSync, writeSync } from 'node:fs';
import { openCatalog } from './electron/engine/catalog/db.ts';
writeSync(1, 'ready\\n');
const nap = new Int32Array(new SharedArrayBuffer(4));
while (!existsSync(process.argv[2])) Atomics.wait(nap, 0, 0, 1);
try { openCatalog(process.argv[1]).close(); console.log('ok'); } catch (e) { console.log(e.message); }
`;
    let ready = 0;
    const openers = 2;
    const runs = await Promise.all(
      Array.from({ length: openers }, () =>
        node(opener, [path, go], true, (line) => {
          if (line === 'ready' && ++ready === openers) writeFileSync(go, '');
        }),
      ),
    );
    expect(runs.map((r) => r.stdout.trim().split('\n').at(-1) ?? r.stderr)).toEqual(['ok', 'ok']);
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(Math.max(...MIGRATIONS.map((m) => m.version)));
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'files'").get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  }, 60_000);

  it('a read-only open of a catalog with no schema yet says it is being created', () => {
    const path = join(tmp.dir, 'empty.sqlite');
    writeFileSync(path, '');
    expect(() => openCatalog(path, { readonly: true })).toThrow(`${path}: the catalog is being created (or its creation was cut short): let the index that is making it finish, or run index`);
    expect(existsSync(path)).toBe(true);
  });
});
