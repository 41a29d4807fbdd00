import { describe, expect, it } from 'vitest';
import type { FileRow } from '../../../electron/engine/catalog/types';
import { classify, oneEntryPerFile, plan, type PlanDeps } from '../../../electron/engine/library/plan';
import type { DiskEntry } from '../../../electron/engine/library/scan';

const row = (id: number, path: string, hash: string, size = 10, mtimeMs = 100): FileRow => ({ id, path, size, mtimeMs, hash });
const disk = (path: string, size = 10, mtimeMs = 100): DiskEntry => ({ path, size, mtimeMs });

function deps(hashes: Record<string, string>, catalog: FileRow[], onDisk: string[] = []): PlanDeps {
  return {
    hash: async (e) => {
      const h = hashes[e.path];
      if (h === undefined) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
      return h;
    },
    byHash: (h) => catalog.filter((r) => r.hash === h),
    exists: (p) => onDisk.includes(p),
  };
}

describe('classify', () => {
  it('sorts disk entries against catalogued rows by path, size and mtime', () => {
    const known = [row(1, '/l/same', 'a'), row(2, '/l/touched', 'b'), row(3, '/l/gone', 'c')];
    const c = classify(known, [disk('/l/same'), disk('/l/touched', 10, 200), disk('/l/new')]);
    expect(c.unchanged.map((r) => r.id)).toEqual([1]);
    expect(c.changed.map((x) => x.row.id)).toEqual([2]);
    expect(c.fresh.map((e) => e.path)).toEqual(['/l/new']);
    expect(c.missing.map((r) => r.id)).toEqual([3]);
  });

  it('compares mtimes at millisecond precision', () => {
    expect(classify([row(1, '/a', 'h', 10, 100)], [disk('/a', 10, 100.9)]).unchanged).toHaveLength(1);
  });

  it('keeps rows under an unreadable path apart from the missing: the path itself, inside it, not a sibling sharing its prefix (review R4)', () => {
    const known = [row(1, '/l/u/a.ogg', 'a'), row(2, '/l/u/deep/b.ogg', 'b'), row(3, '/l/u2/c.ogg', 'c'), row(4, '/l/file.mp3', 'd'), row(5, '/l/here.ogg', 'e')];
    const c = classify(known, [disk('/l/here.ogg')], new Set(), ['/l/u', '/l/file.mp3']);
    expect(c.unavailable.map((r) => r.id)).toEqual([1, 2, 4]);
    expect(c.missing.map((r) => r.id)).toEqual([3]);
    expect(c.unchanged.map((r) => r.id)).toEqual([5]);
    expect(classify(known, [], new Set(), ['/l/']).unavailable).toHaveLength(5);
  });
});

describe('plan', () => {
  it('tells touched from changed by content hash', async () => {
    const known = [row(1, '/l/t', 'h1'), row(2, '/l/c', 'h2')];
    const p = await plan(classify(known, [disk('/l/t', 10, 200), disk('/l/c', 11, 200)]), deps({ '/l/t': 'h1', '/l/c': 'new' }, known));
    expect(p.touched.map((t) => t.row.id)).toEqual([1]);
    expect(p.analyze).toEqual([{ entry: disk('/l/c', 11, 200), hash: 'new' }]);
  });

  it('moves a missing row to a new path with the same hash, removes the rest', async () => {
    const known = [row(1, '/l/old', 'h1'), row(2, '/l/deleted', 'h2')];
    const p = await plan(classify(known, [disk('/l/sub/new')]), deps({ '/l/sub/new': 'h1' }, known));
    expect(p.moved).toEqual([{ row: known[0], entry: disk('/l/sub/new') }]);
    expect(p.removed).toEqual([known[1]]);
    expect(p.analyze).toEqual([]);
  });

  it('gives one source to one destination only; a second copy is analysed', async () => {
    const known = [row(1, '/l/old', 'h1')];
    const p = await plan(classify(known, [disk('/l/b'), disk('/l/a')]), deps({ '/l/a': 'h1', '/l/b': 'h1' }, known));
    expect(p.moved.map((m) => m.entry.path)).toEqual(['/l/a']);
    expect(p.analyze.map((a) => a.entry.path)).toEqual(['/l/b']);
    expect(p.removed).toEqual([]);
  });

  it('moves in from outside the roots only when the old path is gone', async () => {
    const outside = [row(7, '/elsewhere/x', 'hx'), row(8, '/elsewhere/y', 'hy')];
    const c = classify([], [disk('/l/x'), disk('/l/y')]);
    const p = await plan(c, deps({ '/l/x': 'hx', '/l/y': 'hy' }, outside, ['/elsewhere/y']));
    expect(p.moved.map((m) => [m.row.id, m.entry.path])).toEqual([[7, '/l/x']]);
    expect(p.analyze.map((a) => a.entry.path)).toEqual(['/l/y']);
  });

  it('takes a second path to one file (same inode) as an alias, not a track; copies and moved files are unaffected (review R13)', async () => {
    // Inodes as the test decides them: /link/a and /l/a are one file; /l/copy is a copy (its own inode); /l/old is gone.
    const inode: Record<string, string> = { '/l/a': '1:10', '/link/a': '1:10', '/link2/a': '1:10', '/l/copy': '1:11', '/l/new': '1:12' };
    const catalogued = [row(1, '/l/a', 'h1'), row(2, '/l/old', 'h2')];
    const c = classify([], [disk('/link/a'), disk('/link2/a'), disk('/l/copy'), disk('/l/new')]);
    const p = await plan(c, { ...deps({ '/link/a': 'h1', '/link2/a': 'h1', '/l/copy': 'h1', '/l/new': 'h2' }, catalogued, ['/l/a']), fileKey: (path) => inode[path] });
    expect(p.aliases).toEqual([
      { entry: disk('/link/a'), of: '/l/a' },
      { entry: disk('/link2/a'), of: '/l/a' },
    ]);
    expect(p.analyze.map((a) => a.entry.path)).toEqual(['/l/copy']);
    expect(p.moved.map((m) => [m.row.id, m.entry.path])).toEqual([[2, '/l/new']]);
    // Neither catalogued: the first path in order is analysed, the other is its alias.
    const fresh = await plan(classify([], [disk('/y/a'), disk('/x/a')]), { ...deps({ '/x/a': 'h', '/y/a': 'h' }, []), fileKey: () => '2:5' });
    expect(fresh.analyze.map((a) => a.entry.path)).toEqual(['/x/a']);
    expect(fresh.aliases).toEqual([{ entry: disk('/y/a'), of: '/x/a' }]);
  });

  it('reports files it cannot hash and plans nothing else for them', async () => {
    const p = await plan(classify([], [disk('/l/unreadable'), disk('/l/ok')]), deps({ '/l/ok': 'h' }, []));
    expect(p.failed).toEqual([{ path: '/l/unreadable', reason: 'cannot read (no such file or folder)' }]);
    expect(p.analyze.map((a) => a.entry.path)).toEqual(['/l/ok']);
  });
});

describe('oneEntryPerFile', () => {
  const at = (path: string, key: string, link = false): DiskEntry => ({ ...disk(path), key, ...(link ? { link: true as const } : {}) });
  const names = (r: ReturnType<typeof oneEntryPerFile>) => ({ kept: r.kept.map((e) => e.path), aliases: r.aliases.map((a) => [a.entry.path, a.of]) });

  it('keeps the file over a link to it, whichever sorts first (review R1.3)', () => {
    const r = oneEntryPerFile([at('/l/a-link', 'k1', true), at('/l/b-file', 'k1'), at('/l/c', 'k2')], () => true);
    expect(names(r)).toEqual({ kept: ['/l/b-file', '/l/c'], aliases: [['/l/a-link', '/l/b-file']] });
  });

  it('keeps the real path over one through a linked folder, and the first by path among equals (hard links)', () => {
    const real = (p: string): boolean => !p.startsWith('/home/');
    expect(names(oneEntryPerFile([at('/home/x', 'k'), at('/z/x', 'k')], real))).toEqual({ kept: ['/z/x'], aliases: [['/home/x', '/z/x']] });
    expect(names(oneEntryPerFile([at('/l/b', 'k'), at('/l/a', 'k')], () => true))).toEqual({ kept: ['/l/a'], aliases: [['/l/b', '/l/a']] });
  });

  it('leaves entries without an identity alone', () => {
    expect(names(oneEntryPerFile([disk('/l/a'), disk('/l/b')], () => true))).toEqual({ kept: ['/l/a', '/l/b'], aliases: [] });
  });
});
