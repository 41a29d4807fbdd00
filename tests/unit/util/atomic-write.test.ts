import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isLiveTemporary, saveAtomic, writeFileAtomic, writeFileAtomicAsync } from '../../../electron/engine/util/atomic-write';
import { deadPid } from '../../helpers/pids';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'atomic-'));
  dirs.push(dir);
  return dir;
};
/** A document that is only valid whole: its body's length is stated in it. */
const doc = (tag: string, size: number): string => JSON.stringify({ tag, size, body: tag.repeat(size) });
const whole = (text: string): string => {
  const d = JSON.parse(text) as { tag: string; size: number; body: string };
  expect(d.body).toBe(d.tag.repeat(d.size));
  return d.tag;
};

describe('writing a file atomically', () => {
  it('lets two overlapping writes of one file both finish, leaving one whole document and no temporary file', async () => {
    const dir = freshDir();
    const file = join(dir, 'active.json');
    for (let round = 0; round < 20; round++) {
      // Different sizes: a shared temporary file would keep the longer one's tail after the shorter one's write.
      await Promise.all([writeFileAtomicAsync(file, doc('a', 200_000)), writeFileAtomicAsync(file, doc('b', 1_000))]);
      expect(['a', 'b']).toContain(whole(readFileSync(file, 'utf8')));
      expect(readdirSync(dir)).toEqual(['active.json']);
    }
  });

  it('keeps the old contents and leaves no temporary file when the write fails', () => {
    const dir = freshDir();
    const file = join(dir, 'settings.json');
    writeFileAtomic(file, doc('old', 10));
    // A save that dies half-way (a full disk, a killed native writer): the old file stays whole.
    expect(() =>
      saveAtomic(file, (tmp) => {
        writeFileSync(tmp, '{"tag":"new","si');
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(whole(readFileSync(file, 'utf8'))).toBe('old');
    expect(readdirSync(dir)).toEqual(['settings.json']);
    // The rename itself failing (the target is a folder): the error reaches the caller, nothing is left behind.
    const folder = join(dir, 'taken');
    mkdirSync(join(folder, 'inside'), { recursive: true });
    expect(() => writeFileAtomic(folder, doc('x', 5))).toThrow();
    expect(readdirSync(dir).sort()).toEqual(['settings.json', 'taken']);
  });

  it('cleans up after a failed async write too', async () => {
    const dir = freshDir();
    mkdirSync(join(dir, 'taken', 'inside'), { recursive: true });
    await expect(writeFileAtomicAsync(join(dir, 'taken'), doc('x', 5))).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('removes the temporary files of writers that died before their rename, and keeps a live writer\'s (review R6)', () => {
    const dir = freshDir();
    const file = join(dir, 'ann.usearch');
    const dead = deadPid();
    const orphan = `.ann.usearch.needledrop-${dead}-17.tmp`;
    const other = `.vectors.json.needledrop-${dead}-2.tmp`;
    const live = `.ann.usearch.needledrop-${process.ppid}-1.tmp`; // the test runner's parent: alive
    const notOurs = `.notes.needledrop-${dead}-3.tmp.txt`; // a user's file that only looks like one inside
    // A user's own files with <number>.<number>.tmp names (review R5.1): the old pattern removed them.
    const users = ['thesis.2023.1.tmp', `report.${dead}.7.tmp`];
    for (const name of [orphan, other, live, notOurs, ...users]) writeFileSync(join(dir, name), 'half');
    expect(isLiveTemporary(orphan)).toBe(false);
    expect(isLiveTemporary(live)).toBe(true);
    expect(isLiveTemporary('ann.usearch')).toBe(false);
    writeFileAtomic(file, doc('a', 3));
    expect(readdirSync(dir).sort()).toEqual(['ann.usearch', live, notOurs, ...users].sort());
    // Once per folder and process: a later orphan waits for the next process (no listing per write).
    const later = `.ann.usearch.needledrop-${dead}-18.tmp`;
    writeFileSync(join(dir, later), 'half');
    writeFileAtomic(file, doc('b', 3));
    expect(readdirSync(dir)).toContain(later);
  });

  it('names each temporary file after its target, Needledrop, this process and the call, so that a later process can tell whose it is', () => {
    const dir = freshDir();
    const file = join(dir, 'index.usearch');
    const names: string[] = [];
    for (let i = 0; i < 2; i++) saveAtomic(file, (tmp) => (names.push(tmp), writeFileSync(tmp, 'x')));
    for (const tmp of names) expect(tmp).toMatch(new RegExp(`^${join(dir, '.index.usearch').replace(/[.]/g, '\\.')}\\.needledrop-${process.pid}-\\d+\\.tmp$`));
    expect(names[0]).not.toBe(names[1]);
  });

  it('reports the writer\'s own error when it failed before creating its temporary file', async () => {
    const dir = freshDir();
    expect(() =>
      saveAtomic(join(dir, 'a'), () => {
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    // No such folder: the error is the write's ("open …"), not a clean-up's on a file that never was.
    await expect(writeFileAtomicAsync(join(dir, 'missing', 'a.json'), '{}')).rejects.toThrow(/open/);
    expect(() => writeFileAtomic(join(dir, 'missing', 'b.json'), '{}')).toThrow(/open/);
  });

  it('shows a reader only whole documents while two processes keep rewriting the file', async () => {
    const dir = freshDir();
    const file = join(dir, 'vectors.json');
    writeFileAtomic(file, doc('p', 10));
    const module = join(__dirname, '../../../electron/engine/util/atomic-write.ts');
    const writer = (tag: string, size: number): string =>
      `import { writeFileAtomic } from ${JSON.stringify(module)};
for (let i = 0; i < 300; i++) writeFileAtomic(${JSON.stringify(file)}, JSON.stringify({ tag: ${JSON.stringify(tag)}, size: ${size}, body: ${JSON.stringify(tag)}.repeat(${size}) }));`;
    const tsx = join(__dirname, '../../../node_modules/.bin/tsx');
    const children = [writer('a', 100_000), writer('b', 3_000)].map((code, i) => {
      const script = join(dir, `writer-${i}.ts`);
      writeFileSync(script, code);
      return spawn(tsx, [script], { stdio: 'inherit' });
    });
    const exited = children.map((c) => new Promise<number | null>((done) => c.on('exit', done)));
    let running = children.length;
    for (const e of exited) void e.then(() => running--);
    const seen = new Set<string>();
    while (running > 0) {
      seen.add(whole(readFileSync(file, 'utf8')));
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(exited)).toEqual([0, 0]);
    expect(seen.has('a') || seen.has('b')).toBe(true);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  }, 60_000);
});
