/**
 * A music file still being written in bursts (a download that stalls, a copy that waits on the
 * network) was catalogued cut short: the check around the read (R1.6) compares the file before and
 * after its analysis, and the watcher waits 1.5 s of quiet, so a pause longer than both looked like
 * a finished file and its first burst was stored as the track. Now a file written less than
 * SETTLE_MS before its analysis is back is stored only once it has stayed the same that long after
 * that write; written again meanwhile, it is not stored ("still being written") and the next scan
 * takes it whole.
 *
 * No timing decides it: the settle time is long (10 min, so every file just written waits) and the
 * wait is the test's, where the writer's second burst lands (the pause); a file written an hour ago
 * is not waited for. The audio is ffmpeg's, the catalog real SQLite, the analysis the real one, and
 * the durations expected are ffprobe's of the files the test wrote.
 */
import { appendFileSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { indexLibrary, stillBeingWritten } from '../../../electron/engine/library/indexer';
import { testComponents } from './fixtures/components';
import { decodedSeconds, makeAudio, tempDir } from './fixtures/media';

const SETTLE_MS = 600_000;

describe('a file written in two bursts with a pause', () => {
  let root = '';
  let lib = '';
  let db: Catalog;
  const anHourAgo = (file: string): void => {
    const t = Date.now() / 1000 - 3600;
    utimesSync(file, t, t);
  };
  beforeAll(() => {
    root = tempDir('written-in-bursts');
    lib = join(root, 'lib');
    anHourAgo(makeAudio(join(lib, 'finished.wav'), { freq: 330, seconds: 3 }));
    db = openCatalog(join(root, 'catalog.sqlite'));
  });
  afterAll(() => {
    db?.close();
    rmSync(root, { recursive: true, force: true });
  });
  const trackOf = (path: string) => listTracks(db).find((t) => t.path === path);

  /**
   * One index run whose settle waits are the pause between the bursts: the first wait writes `rest`
   * (when given) onto `file`, as the download going on. Returns the report and the waits asked.
   */
  async function indexWithPause(file: string, rest?: Buffer) {
    const waits: number[] = [];
    const report = await indexLibrary(db, [lib], {
      jobs: 1,
      components: testComponents(),
      settleMs: SETTLE_MS,
      settleWait: async (ms) => {
        if (rest && waits.length === 0) appendFileSync(file, rest);
        waits.push(ms);
      },
    });
    return { report, waits };
  }

  it('a new file: not stored after its first burst, whole once it has settled; a finished file is not waited for', async () => {
    const download = join(lib, 'download.wav');
    const full = readFileSync(makeAudio(join(root, 'download-full.wav'), { freq: 220, seconds: 12 }));
    const head = Math.floor(full.length / 3);
    writeFileSync(download, full.subarray(0, head));

    const first = await indexWithPause(download, full.subarray(head));
    expect(trackOf(download)?.duration, 'a track stored from the first burst').toBeUndefined();
    expect(first.report).toMatchObject({ indexed: 1, failed: [{ path: download, reason: stillBeingWritten(SETTLE_MS) }] });
    expect(readFileSync(download).equals(full)).toBe(true);
    // Only the file just written waited, and never longer than the settle time; the one written an hour ago was stored at once.
    expect(first.waits).toHaveLength(1);
    expect(first.waits[0]).toBeGreaterThan(0);
    expect(first.waits[0]).toBeLessThanOrEqual(SETTLE_MS);
    expect(trackOf(join(lib, 'finished.wav'))?.duration).toBeCloseTo(decodedSeconds(join(lib, 'finished.wav')), 1);

    // Nothing written during the next pause: it is stored, whole.
    const next = await indexWithPause(download);
    expect(next.report).toMatchObject({ indexed: 1, unchanged: 1, failed: [] });
    expect(trackOf(download)?.duration).toBeCloseTo(decodedSeconds(download), 1);
    expect(decodedSeconds(download)).toBeGreaterThan(11);
  }, 180_000);

  it('a catalogued file rewritten in bursts keeps its track (and id) until it has settled, then is taken whole', async () => {
    const finished = join(lib, 'finished.wav');
    const before = trackOf(finished)!;
    const longer = readFileSync(makeAudio(join(root, 'longer.wav'), { freq: 440, seconds: 9 }));
    const head = Math.floor(longer.length / 4);
    writeFileSync(finished, longer.subarray(0, head));

    const first = await indexWithPause(finished, longer.subarray(head));
    expect(trackOf(finished)?.duration, 'the track replaced by the first burst').toBe(before.duration);
    expect(first.report).toMatchObject({ indexed: 0, failed: [{ path: finished, reason: stillBeingWritten(SETTLE_MS) }] });
    expect(trackOf(finished)?.id).toBe(before.id);

    const next = await indexWithPause(finished);
    expect(next.report).toMatchObject({ indexed: 1, failed: [] });
    expect(trackOf(finished)?.id).toBe(before.id);
    expect(trackOf(finished)?.duration).toBeCloseTo(decodedSeconds(finished), 1);
    expect(decodedSeconds(finished)).toBeGreaterThan(8);
  }, 180_000);
});
