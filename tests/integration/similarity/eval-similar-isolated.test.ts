/**
 * Review S10: `needledrop eval-similar DIR` without --db indexed DIR's albums into the user's own
 * catalog (they then showed in Library, Match and playlists) and wrote signatures beside it, and
 * its scores depended on the user's other tracks. Without --db it must leave the data folder as it
 * was and score DIR alone: the same scores as a run on a fresh catalog given with --db, twice.
 * Real CLI processes, ffmpeg and SQLite; the truths are the files on disk before and after.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needledropWithEnv } from '../../helpers/cli';
import { tempDir } from '../../helpers/media';
import { makeTwoGroups } from '../explore/fixture';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('nd-eval-similar-'));
  // Two albums of three tracks (album = first folder under DIR), and one track of the user's own library elsewhere.
  for (const d of ['albums/A', 'albums/B', 'own', 'home', 'fresh']) mkdirSync(join(dir, d), { recursive: true });
  await makeTwoGroups(join(dir, 'albums', 'A'), 3, 6);
  for (const f of readdirSync(join(dir, 'albums', 'A')).filter((f) => f.startsWith('dark-'))) renameSync(join(dir, 'albums', 'A', f), join(dir, 'albums', 'B', f));
  await makeTwoGroups(join(dir, 'own'), 1, 6);
}, 120_000);
afterAll(() => cleanup?.());

/** Every file under `root` with a digest of its bytes, so any write shows. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(root);
  return out;
}

const cli = async (...args: string[]): Promise<string> => {
  const r = await needledropWithEnv({ NEEDLEDROP_HOME: join(dir, 'home') }, ...args);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};
const evalSimilar = async (...extra: string[]): Promise<{ catalog: unknown; all: unknown }> =>
  JSON.parse(await cli('eval-similar', join(dir, 'albums'), '--json', '--no-halves', '--no-production', '--steps', '2', '--jobs', '1', ...extra)) as { catalog: unknown; all: unknown };

describe('needledrop eval-similar DIR without --db', () => {
  it("leaves the user's catalog and data folder byte-identical and scores the evaluation set alone, the same on every run", async () => {
    // The user's library: two tracks of their own in the default catalog of the data folder.
    expect(JSON.parse(await cli('index', join(dir, 'own'), '--json')).indexed).toBe(2);
    const before = snapshot(join(dir, 'home'));
    expect([...before.keys()]).toContain('catalog.sqlite');

    const first = await evalSimilar();
    expect(snapshot(join(dir, 'home'))).toEqual(before);
    const second = await evalSimilar();
    expect(snapshot(join(dir, 'home'))).toEqual(before);
    expect(first.catalog).toBeNull();
    expect(second.all).toEqual(first.all);

    // The evaluation set alone: what a fresh catalog of DIR's six tracks, given with --db, scores.
    const isolated = await evalSimilar('--db', join(dir, 'fresh', 'catalog.sqlite'));
    expect((isolated.all as { tracks: number }).tracks).toBe(6);
    expect(first.all).toEqual(isolated.all);
  }, 600_000);
});
