/**
 * Every path a confined request can carry (the app's renderer, the browser bridge), found in the
 * contract's schemas rather than listed by hand, sent to a real confined Engine spelled every way
 * a hostile page would try: through links out of the library, `..`, doubled and dotted separators,
 * /proc/self/root, relative names, a link into the data folder, a dangling link to a file the data
 * folder does not hold yet, a user's file with `force`. The truths are the policy's, checked from
 * outside the guard: a read of a file outside the library, the data folder and the opened clips is
 * refused (forbidden-path), a write never lands in the data folder nor replaces a file Needledrop
 * did not write, and no file anywhere under the test's folder changes (bytes and link targets
 * snapshotted before and after). A field the table below does not classify fails the first test:
 * a new path in the contract must say which rule guards it.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { EngineError } from '../../../electron/contract/errors';
import { isJobOperation, MAX_PATH, schemas, type OperationName } from '../../../electron/contract/operations';
import { contextFromEnv, Engine } from '../../../electron/engine/service';
import { hardCuts, musicLike } from '../../helpers/media';

/** How the engine must treat a path field of a confined request. */
type Rule =
  | 'read' // a file or folder to read: inside the library, the data folder or an opened clip, links resolved
  | 'write' // a file or folder to write: absolute, no "..", folder exists, not the data folder's, replaces only its own outputs
  | 'picked' // a folder the user typed for this request (a corpus, a fine-tune's edits): any absolute place
  | 'chosen' // the user's own choice (a folder added, a clip opened): any absolute place
  | 'key'; // names a library folder already listed (nothing is read or written at the path)

const RULES: Record<string, Rule> = {
  'library.addFolder path': 'chosen',
  'library.removeFolder path': 'key',
  'library.folderTracks path': 'key',
  'clip.open path': 'chosen',
  'output.check path': 'write',
  'output.check clip': 'read',
  'output.check track': 'read',
  'similar track': 'read',
  'playlist.build seeds[]': 'read',
  'playlist.build from': 'read',
  'playlist.build to': 'read',
  'playlist.m3u out': 'write',
  'feedback.record clip': 'read',
  'feedback.withdraw clip': 'read',
  'library.scan folders[]': 'read',
  'match clips[]': 'read',
  'export clip': 'read',
  'export track': 'read',
  'export out': 'write',
  'fit clip': 'read',
  'fit track': 'read',
  'fit out': 'write',
  'fit handoff': 'write',
  'fit.savePlan out': 'write',
  'fit.savePlan clip': 'read',
  'fit.savePlan track': 'read',
  'fit.replan track': 'read',
  'corpus out': 'write',
  'train corpus': 'picked',
  'train out': 'write',
  'finetune videos': 'picked',
  'evaluate corpus': 'picked',
};

interface Schema {
  type: string;
  entries?: Record<string, Schema>;
  wrapped?: Schema;
  options?: Schema[];
  item?: Schema;
  pipe?: Array<{ type: string; requirement?: unknown }>;
}

/** The fields of `schema` that carry a path (a string capped at MAX_PATH), as "name", "name[]" for array items. */
function pathFields(schema: Schema, at = ''): string[] {
  if (schema.type === 'string') return schema.pipe?.some((a) => a.type === 'max_length' && a.requirement === MAX_PATH) ? [at] : [];
  if (schema.wrapped) return pathFields(schema.wrapped, at);
  if (schema.options) return [...new Set(schema.options.flatMap((o) => pathFields(o, at)))];
  if (schema.item) return pathFields(schema.item, `${at}[]`);
  if (schema.entries) return Object.entries(schema.entries).flatMap(([k, s]) => pathFields(s, at ? `${at}.${k}` : k));
  return [];
}

/** Bytes (or link target) of every file and link under `root`: what must not change. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      const key = relative(root, p);
      if (st.isSymbolicLink()) out.set(key, `link → ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(key, 'folder');
        walk(p);
      } else out.set(key, createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(root);
  return out;
}

/** What the engine itself keeps in its data folder and may touch while it refuses a request (a job's record, its cache leases). */
const ENGINE_BOOKKEEPING = /^data\/(catalog\.sqlite-(wal|shm)|caches-in-use(\/.*)?|failed-files\.json)$/;

describe('a confined engine, every path field of the contract, hostile spellings', () => {
  let tmp: string;
  let data: string;
  let library: string;
  let outside: string;
  let outputs: string;
  let song: string;
  let clip: string;
  let engine: Engine;
  let trackId: number;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'needledrop-confined-paths-'));
    data = join(tmp, 'data');
    library = join(tmp, 'library');
    outside = join(tmp, 'outside');
    outputs = join(tmp, 'outputs');
    const clips = join(tmp, 'clips');
    for (const d of [data, library, outside, outputs, clips, join(outside, 'corpus')]) mkdirSync(d, { recursive: true });
    song = await musicLike(library, { seconds: 12, bpm: 120, name: 'song.wav' });
    await musicLike(outside, { seconds: 6, bpm: 100, name: 'secret.wav' });
    clip = await hardCuts(clips, { seconds: 4, cuts: [2], fps: 12, width: 64, height: 36 });
    await hardCuts(clips, { seconds: 2, cuts: [1], fps: 12, width: 64, height: 36, name: 'unopened.mp4' });
    await hardCuts(outside, { seconds: 2, cuts: [1], fps: 12, width: 64, height: 36, name: 'secret.mp4' });
    writeFileSync(join(outside, 'mine.m3u8'), '#EXTM3U\n# the user’s own playlist\n');
    writeFileSync(join(outside, 'mine.wav'), 'the user’s own recording');
    writeFileSync(join(outside, 'corpus', 'manifest.json'), '{"pairs":[]}');
    engine = new Engine(contextFromEnv({}, { dataDir: data, threads: 1, confined: true }));
    await engine.call('library.addFolder', { path: library });
    await runJob(engine, 'library.scan', {});
    const page = await engine.call('tracks.list', {});
    expect(page.tracks.map((t) => t.path)).toEqual([song]);
    trackId = page.tracks[0].id;
    // Ways out of the library, and into the data folder, a hostile request could use (made after
    // the scan: a link the user keeps in the library is theirs, and its track is catalogued).
    symlinkSync(join(outside, 'secret.wav'), join(library, 'link-out.wav'));
    symlinkSync(join(outside, 'secret.mp4'), join(library, 'link-out.mp4'));
    symlinkSync(outside, join(library, 'escape'));
    symlinkSync(data, join(outside, 'data-link'));
    symlinkSync(join(data, 'planted.m3u8'), join(outside, 'dangling.m3u8'));
    symlinkSync(join(data, 'planted.wav'), join(outside, 'dangling.wav'));
    await engine.call('clip.open', { path: clip });
    await engine.call('settings.set', { jobs: 1 });
  }, 300_000);
  afterAll(async () => {
    await engine?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  const fields = (): Array<[OperationName, string]> =>
    (Object.keys(schemas) as OperationName[]).flatMap((op) => pathFields(schemas[op] as unknown as Schema).map((f): [OperationName, string] => [op, f]));

  it('every path field of the contract has its rule here (a new one must say how it is guarded)', () => {
    const found = fields().map(([op, f]) => `${op} ${f}`);
    expect(found.length).toBeGreaterThan(20);
    expect(found.sort()).toEqual(Object.keys(RULES).sort());
  });

  /** A request that passes every check but the one of `field`: the other paths are the library's track, the opened clip, fresh outputs. */
  const request = (op: OperationName, field: string, value: string): Record<string, unknown> => {
    const plan = { ranges: [{ sourceStart: 0, sourceEnd: 4 }] };
    const fresh = (ext: string) => join(outputs, `out-${Math.random().toString(36).slice(2)}.${ext}`);
    const base: Partial<Record<OperationName, Record<string, unknown>>> = {
      'output.check': { path: fresh('mp4'), clip, track: trackId },
      similar: { track: trackId },
      'playlist.build': field === 'seeds[]' ? { kind: 'more-like', seeds: [trackId], length: 2 } : { kind: 'mood-path', from: trackId, to: trackId, length: 2 },
      'playlist.m3u': { trackIds: [trackId], out: fresh('m3u8') },
      'feedback.record': { clip, trackId, offset: 0, verdict: 'accept' },
      'feedback.withdraw': { clip, trackId },
      'library.scan': { folders: [library] },
      match: { clips: [clip] },
      export: { clip, track: trackId, out: fresh('mp4') },
      fit: { clip, track: trackId, out: fresh('wav') },
      'fit.savePlan': { out: fresh('json'), plan, clip, track: trackId },
      'fit.replan': { track: trackId, target: 4, end: 4, endMode: 'ending', tempoRatio: 1, splices: [] },
      corpus: { out: join(outputs, `corpus-${Math.random().toString(36).slice(2)}`), pairs: 1, seed: 1 },
      train: { corpus: join(outside, 'corpus'), version: 'fuzz', steps: 1 },
      finetune: { videos: outputs, version: 'fuzz', steps: 1 },
      evaluate: { corpus: join(outside, 'corpus') },
    };
    // With force: a refusal must come from the path, not from a file being there.
    const req: Record<string, unknown> = { ...(base[op] ?? {}), ...(['playlist.m3u', 'export', 'fit', 'fit.savePlan'].includes(op) ? { force: true } : {}) };
    const name = field.replace('[]', '');
    req[name] = field.endsWith('[]') ? [value] : value;
    return req;
  };

  const outcome = async (op: OperationName, req: Record<string, unknown>): Promise<string> => {
    try {
      if (isJobOperation(op)) await runJob(engine, op as Parameters<typeof runJob>[1], req as never);
      else {
        const r: unknown = await engine.call(op as Parameters<Engine['call']>[0], req);
        // output.check answers whether the path can be written rather than throwing.
        if (op === 'output.check' && (r as { problem: string | null }).problem !== null) return `problem: ${(r as { problem: string }).problem}`;
      }
      return 'ok';
    } catch (err) {
      return err instanceof EngineError ? err.code : `not an EngineError: ${String(err)}`;
    }
  };

  it('refuses every read of a file or folder outside the library, the data folder and the opened clip, however it is spelled', async () => {
    const secretWav = join(outside, 'secret.wav');
    const secretMp4 = join(outside, 'secret.mp4');
    const spellings = (file: string, linked: string): string[] => [
      file,
      join(library, linked),
      `${library}/escape/${file.slice(outside.length + 1)}`,
      `${library}/../outside/${file.slice(outside.length + 1)}`,
      `${library}//..//outside//${file.slice(outside.length + 1)}`,
      `${library}/./escape/./${file.slice(outside.length + 1)}`,
      `/proc/self/root${file}`,
      relative(process.cwd(), file),
      `./${relative(process.cwd(), file)}`,
    ];
    const hostile = {
      // A media file outside, and a clip beside the opened one that was never opened.
      file: [...spellings(secretWav, 'link-out.wav'), ...spellings(secretMp4, 'link-out.mp4'), join(tmp, 'clips', 'unopened.mp4')],
      folder: [outside, join(library, 'escape'), `${library}/../outside`, `/proc/self/root${outside}`, relative(process.cwd(), outside)],
    };
    const before = snapshot(tmp);
    const wrong: string[] = [];
    let asked = 0;
    for (const [op, field] of fields()) {
      if (RULES[`${op} ${field}`] !== 'read') continue;
      for (const value of field === 'folders[]' ? hostile.folder : hostile.file) {
        const got = await outcome(op, request(op, field, value));
        asked++;
        if (got !== 'forbidden-path') wrong.push(`${op} ${field} = ${value}: ${got}`);
      }
    }
    process.stderr.write(`confined reads: ${asked} asked, ${asked - wrong.length} refused\n`);
    expect(wrong).toEqual([]);
    expect(asked).toBeGreaterThan(200);
    const after = snapshot(tmp);
    expect([...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k) && !ENGINE_BOOKKEEPING.test(k))).toEqual([]);
  }, 600_000);

  it('refuses every write into the data folder, outside an existing absolute folder, or over a file of the user; nothing outside its bookkeeping changes', async () => {
    await engine.call('settings.set', { jobs: 2 }); // settings.json exists: a target to protect
    // The user's own files, of the extensions the engine writes, none of them one it wrote or recognises as its kind.
    mkdirSync(join(outside, 'mine'));
    writeFileSync(join(outside, 'mine', 'notes.txt'), 'the user’s notes');
    // Binary: a text file named .m3u8 is a plain M3U (no header), which the app may replace (own-output.ts).
    writeFileSync(join(outside, 'mine.m3u8'), Buffer.from([0x00, 0x01, 0x02, 0xff]));
    writeFileSync(join(outside, 'mine.json'), '{"the user’s": "settings"}');
    writeFileSync(join(outside, 'mine.mp4'), 'the user’s video');
    const FILE_EXT: Record<string, string> = { 'output.check path': 'mp4', 'playlist.m3u out': 'm3u8', 'export out': 'mp4', 'fit out': 'wav', 'fit.savePlan out': 'json' };
    // Where Needledrop keeps its settings, catalog and models, however it is spelled: always refused by the guard.
    const intoData = (ext: string): string[] => [
      join(data, 'settings.json'),
      join(data, 'catalog.sqlite'),
      join(data, 'catalog.sqlite-wal'),
      join(data, `new.${ext}`),
      `${data}//new.${ext}`,
      `${data}/./new.${ext}`,
      `/proc/self/root${data}/new.${ext}`,
      join(outside, 'data-link', `new.${ext}`),
      join(outside, 'data-link', 'settings.json'),
    ];
    const misspelt = (ext: string): string[] => [`${outside}/../outside/new.${ext}`, `new.${ext}`, join(outside, 'no-such-folder', `new.${ext}`)];
    const refusedByGuard = (got: string): boolean => got === 'forbidden-path' || got.startsWith('problem: ');
    const before = snapshot(tmp);
    const wrong: string[] = [];
    let asked = 0;
    for (const [op, field] of fields()) {
      const key = `${op} ${field}`;
      if (RULES[key] !== 'write') continue;
      const ext = FILE_EXT[key] ?? 'x';
      const cases: Array<[string, (got: string) => boolean]> = [
        ...[...intoData(ext), ...misspelt(ext)].map((v): [string, (got: string) => boolean] => [v, refusedByGuard]),
        // A file (or for a corpus, a folder) of the user's there already, with force: refused, whatever says so.
        // (output.check only asks whether a path can be written: the overwrite is the export's to refuse.)
        ...(FILE_EXT[key] && op !== 'output.check' ? [join(outside, `mine.${ext}`), join(library, 'song.wav')] : key === 'corpus out' ? [join(outside, 'mine')] : []).map((v): [string, (got: string) => boolean] => [v, (got) => got !== 'ok']),
      ];
      for (const [value, ok] of cases) {
        const got = await outcome(op, request(op, field, value));
        asked++;
        if (!ok(got)) wrong.push(`${key} = ${value}: ${got}`);
      }
    }
    process.stderr.write(`confined writes: ${asked} asked, ${asked - wrong.length} refused\n`);
    expect(wrong).toEqual([]);
    expect(asked).toBeGreaterThan(90);
    const after = snapshot(tmp);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k) && !ENGINE_BOOKKEEPING.test(k));
    expect(changed).toEqual([]);
  }, 600_000);

  // The guard cannot see where such a link leads (its target does not exist yet); the writers must not
  // follow it: an existing name is refused without force, a link is never replaced with it, and the
  // file is linked or renamed into place, never written through (two layers: one planted bug in each fails this).
  it('never writes through a link that dangles into the data folder', async () => {
    const before = snapshot(tmp);
    for (const [op, field, value] of [
      ['playlist.m3u', 'out', join(outside, 'dangling.m3u8')],
      ['fit', 'out', join(outside, 'dangling.wav')],
      ['output.check', 'path', join(outside, 'dangling.wav')],
    ] as const) {
      const req = request(op, field, value);
      delete req.force;
      await outcome(op, req);
    }
    const after = snapshot(tmp);
    expect([...after.keys()].filter((k) => k.startsWith('data/planted'))).toEqual([]);
    expect(after.get('outside/dangling.m3u8')).toBe(before.get('outside/dangling.m3u8'));
    expect(after.get('outside/dangling.wav')).toBe(before.get('outside/dangling.wav'));
  }, 300_000);
});
