/**
 * One ffmpeg for a batch of files (analyzeTracks; the indexer's batches). Each file's analysis
 * must be exactly what analyzeTrack gives for it alone; a corrupt, damaged, empty, mislabelled,
 * cut-short, soundless or NaN-holding file must get its own error (or its own partial result), naming the
 * file and the cause, and change nothing for its batch-mates; a clean batch must start one ffmpeg,
 * not one per file; and a catalog indexed in batches must equal one indexed a file at a time.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCatalog, type Catalog } from '../../../electron/engine/catalog/db';
import { getFeatures } from '../../../electron/engine/catalog/features';
import { getSegments } from '../../../electron/engine/catalog/segments';
import { listTracks } from '../../../electron/engine/catalog/tracks';
import { analyzeTrack, analyzeTracks } from '../../../electron/engine/library/audio-analyzer';
import { indexLibrary } from '../../../electron/engine/library/indexer';
import { configureFfmpeg, ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';
import { makeHostileMedia } from '../../helpers/hostile-media';
import { damagedFlac, ffmpeg, musicLike, nanWav, sharedMediaDir, tempDir, truncated } from '../../helpers/media';
import { testComponents } from './fixtures/components';

const shared = await sharedMediaDir();
const signal = new AbortController().signal;
let dir: string;
let cleanup: () => Promise<void>;
const good: Record<string, string> = {};
const tone = (f: number): string[] => ['-f', 'lavfi', '-i', `sine=f=${f}:d=3`];
const bad: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('needledrop-batch-'));
  good.tagged = await ffmpeg([...tone(440), '-metadata', 'title= Blue: in Green ', '-metadata', 'artist=Miles'], join(dir, 'tagged.mp3'));
  good.streamTags = await ffmpeg([...tone(330), '-c:a', 'libvorbis', '-metadata:s:a:0', 'title=on the stream'], join(dir, 'stream-tags.ogg'));
  good.longTitle = await ffmpeg([...tone(550), '-metadata', `title=${'Ä'.repeat(200)}`], join(dir, 'long-title.mp3'));
  good.music = await musicLike(dir, { seconds: 12, name: 'music.mp3' });
  good.flac = await ffmpeg([...tone(660), '-ac', '2'], join(dir, 'stereo.flac'));
  // Mislabelled: a FLAC named .mp3 (ffmpeg goes by the content, alone or in a batch).
  good.mislabelled = join(dir, 'really-flac.mp3');
  copyFileSync(good.flac, good.mislabelled);
  bad.cut = await truncated(await musicLike(dir, { seconds: 8, name: 'whole.mp3' }), dir, 0.5, 'cut.mp3');
  bad.noise = join(dir, 'noise.mp3');
  writeFileSync(bad.noise, randomBytes(8000));
  bad.empty = join(dir, 'empty.ogg');
  writeFileSync(bad.empty, '');
  bad.text = join(dir, 'readme.wav');
  writeFileSync(bad.text, 'this is not audio\n'.repeat(50));
  bad.missing = join(dir, 'gone.mp3');
  bad.nan = await nanWav(dir);
  // Damaged frames all through: alone, ffmpeg gives up on its error rate (exit 69) and the file is
  // kept as partial; among clean files the same errors are a smaller share of the run's packets.
  bad.damaged = await damagedFlac(dir);
  bad.soundless = join(dir, 'silent-video.mka');
  execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=1', '-f', 'matroska', bad.soundless]);
}, 120_000);
afterAll(() => cleanup?.());
afterEach(() => configureFfmpeg({}));

/**
 * ffmpeg's own words after a cause, which differ from run to run of the same file alone (its
 * threaded decoders log errors in a racing order: "Last message repeated 1 times" or 2).
 */
const withoutFfmpegDetail = (cause: string): string => cause.replace(/ \(ffmpeg: [\s\S]*\)$/, ' (ffmpeg: …)');

function comparable(summary: Record<string, unknown>): Record<string, unknown> {
  const partial = summary.partial as { cause?: string } | undefined;
  return partial?.cause ? { ...summary, partial: { ...partial, cause: withoutFfmpegDetail(partial.cause) } } : summary;
}

type Alone = { ok: true; value: unknown } | { ok: false; message: string };
/**
 * Each file's analysis alone, made once: the same files come back in many batches (tagged.mp3 and
 * music.mp3 in ten) and are never changed, and analyzeTrack of a file is the same every time.
 */
const aloneOnce = new Map<string, Promise<Alone>>();

/** What analyzeTrack does with the file alone: its analysis, or its error's message. */
function alone(file: string): Promise<Alone> {
  let own = aloneOnce.get(file);
  if (!own) {
    own = analyzeTrack(file, signal).then(
      (value): Alone => ({ ok: true, value }),
      (err: unknown): Alone => ({ ok: false, message: (err as Error).message }),
    );
    aloneOnce.set(file, own);
  }
  return own;
}

/** analyzeTracks' outcome for each file must be the file's own, to the bit (seq.data compared as arrays). */
async function expectSameAsAlone(files: string[]): Promise<void> {
  const together = await analyzeTracks(files, signal);
  expect(together).toHaveLength(files.length);
  for (const [i, file] of files.entries()) {
    const own = await alone(file);
    const got = together[i];
    if (own.ok) {
      expect(got.status, file).toBe('fulfilled');
      const a = (got as PromiseFulfilledResult<Awaited<ReturnType<typeof analyzeTrack>>>).value;
      const b = own.value as typeof a;
      expect(a.info, file).toEqual(b.info);
      expect(comparable(a.summary), file).toEqual(comparable(b.summary));
      expect({ ...a.seq, data: Array.from(a.seq.data) }, file).toEqual({ ...b.seq, data: Array.from(b.seq.data) });
    } else {
      expect(got.status, file).toBe('rejected');
      const message = ((got as PromiseRejectedResult).reason as Error).message;
      expect(withoutFfmpegDetail(message), file).toBe(withoutFfmpegDetail(own.message));
      // Names the file and says why.
      expect(message.startsWith(`${file}: `), message).toBe(true);
      expect(message.length).toBeGreaterThan(file.length + 6);
    }
  }
}

/** An ffmpeg that logs each start to `log` and then is the real one. */
function countingFfmpeg(log: string): string {
  const wrapper = join(dir, 'ffmpeg-counting.sh');
  writeFileSync(wrapper, `#!/bin/sh\necho start >> '${log}'\nexec '${ffmpegPath()}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

const starts = (log: string): number => {
  try {
    return readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

// Windows' ffmpeg does not see the extra pipes, so the product never batches there (default-components.ts).
const batches = process.platform !== 'win32';

describe.skipIf(!batches)('analyzeTracks: one ffmpeg for several files', () => {
  it('starts one ffmpeg for a clean batch, and every analysis is the file alone’s, bit for bit', async () => {
    const files = [good.tagged, good.streamTags, good.music, good.flac, good.mislabelled];
    const log = join(dir, 'starts-clean.log');
    configureFfmpeg({ ffmpeg: countingFfmpeg(log) });
    const together = await analyzeTracks(files, signal);
    expect(starts(log)).toBe(1);
    expect(together.map((r) => r.status)).toEqual(files.map(() => 'fulfilled'));
    configureFfmpeg({});
    await expectSameAsAlone(files);
  }, 60_000);

  it('a large file gets an ffmpeg of its own (many packets through one process cost what its start-up saves), the same analyses', async () => {
    // 16 s of 44.1 kHz stereo 16-bit WAV: 2.8 MB, over the 2 MiB a file may have to share a run.
    const big = await ffmpeg(['-f', 'lavfi', '-i', 'sine=f=500:d=16', '-ac', '2', '-c:a', 'pcm_s16le'], join(dir, 'big.wav'));
    const files = [good.tagged, big, good.music, good.flac];
    const log = join(dir, 'starts-big.log');
    configureFfmpeg({ ffmpeg: countingFfmpeg(log) });
    await analyzeTracks(files, signal);
    expect(starts(log)).toBe(2);
    configureFfmpeg({});
    await expectSameAsAlone(files);
  }, 60_000);

  it('a file alone in its group takes the one-file path: one ffmpeg start even when its decode prints an error', async () => {
    // A vorbis file with one byte flipped past its headers: ffmpeg logs "CRC mismatch" at error
    // level and exits 0. A one-file shared run would count as unclean and decode it a second time.
    const ogg = await ffmpeg([...tone(440), '-c:a', 'libvorbis'], join(dir, 'crc-source.ogg'));
    const bytes = readFileSync(ogg);
    bytes[Math.floor(bytes.length * 0.75)] ^= 0xff;
    const crc = join(dir, 'crc-mismatch.ogg');
    writeFileSync(crc, bytes);
    const log = join(dir, 'starts-lone.log');
    configureFfmpeg({ ffmpeg: countingFfmpeg(log) });
    const [only] = await analyzeTracks([crc], signal);
    expect(only.status).toBe('fulfilled');
    expect(starts(log)).toBe(1);
    configureFfmpeg({});
    await expectSameAsAlone([crc]);
  }, 60_000);

  it('a file whose dump may cut a tag (ffprobe then) and a file cut short: the same as alone', async () => {
    await expectSameAsAlone([good.longTitle, good.tagged, bad.cut, good.music]);
  }, 60_000);

  it.each(['noise', 'empty', 'text', 'missing', 'nan', 'soundless', 'damaged'])('a %s file among good ones gets its own outcome and changes nothing for the rest', async (name) => {
    await expectSameAsAlone([good.tagged, bad[name], good.music, good.streamTags]);
  }, 60_000);

  it('a batch of bad files only', async () => {
    await expectSameAsAlone(Object.values(bad));
  }, 60_000);

  it.skipIf(!shared)('the real recordings and odd files in ../shared/media: the same as alone', async () => {
    const files = (await Promise.all(['music', 'odd'].map(async (d) => (await readdir(join(shared!, d))).filter((f) => !/\.(txt|md)$/.test(f)).map((f) => join(shared!, d, f))))).flat();
    expect(files.length).toBeGreaterThan(8);
    await expectSameAsAlone(files);
  }, 300_000);

  it('the hostile-media set, eight at a time, its valid files apart in clean runs: the same as alone', async () => {
    const set = await makeHostileMedia(join(dir, 'hostile'), { seed: 13, skip: ['one hour of silence', '4000×4000 frames'] });
    // The growing file is never grown here: it is an ordinary file then.
    const audio = set.items.filter((i) => i.role === 'audio');
    // Odd but valid files: in a batch of their own the shared run is clean and stands for each of
    // them (one ffmpeg start), so their results are the batch path's, not a fall-back's.
    const validKinds = new Set(['good music (ogg)', '8 kHz', '192 kHz', '6 channels', '8 channels', 'under 0.1 s', 'near-silent noise', 'pure sine', '5,000-character tags', 'several audio streams']);
    const valid = audio.filter((i) => validKinds.has(i.kind) || i.kind.startsWith('name with') || i.kind === 'name in non-Latin scripts').map((i) => i.path);
    const rest = audio.map((i) => i.path).filter((f) => !valid.includes(f));
    expect(valid.length).toBe(validKinds.size + 7);
    expect(rest.length).toBeGreaterThan(20);
    const half = Math.ceil(valid.length / 2);
    for (const [g, group] of [valid.slice(0, half), valid.slice(half)].entries()) {
      const log = join(dir, `starts-hostile-valid-${g}.log`);
      configureFfmpeg({ ffmpeg: countingFfmpeg(log) });
      await analyzeTracks(group, signal);
      expect(starts(log), group.join(', ')).toBe(1);
      configureFfmpeg({});
      await expectSameAsAlone(group);
    }
    for (let i = 0; i < rest.length; i += 8) await expectSameAsAlone(rest.slice(i, i + 8));
  }, 600_000);

  it('cancelling ends the batch as cancelled and kills its ffmpeg', async () => {
    // Stands for an ffmpeg stuck on a slow disk: it never writes and never ends on its own, so a
    // cancel that does not kill it hangs this test to its timeout.
    const started = join(dir, 'hang.pid');
    const hang = join(dir, 'ffmpeg-hang.sh');
    writeFileSync(hang, `#!/bin/sh\necho $$ > '${started}'\nexec sleep 600\n`);
    chmodSync(hang, 0o755);
    configureFfmpeg({ ffmpeg: hang });
    const ctl = new AbortController();
    const run = analyzeTracks([good.music, good.tagged, good.flac], ctl.signal);
    // Cancel once the stand-in runs (polling its pid file, not a clock).
    while (!existsSync(started) || !readFileSync(started, 'utf8').trim()) await new Promise((r) => setTimeout(r, 20));
    ctl.abort();
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
    const pid = Number(readFileSync(started, 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow();
  }, 30_000);
});

describe.skipIf(!batches)('the indexer in batches', () => {
  let lib: string;
  const catalogs: Catalog[] = [];
  afterAll(() => catalogs.forEach((c) => c.close()));

  beforeAll(() => {
    lib = join(dir, 'lib');
    execFileSync('mkdir', ['-p', lib]);
    for (const f of [...Object.values(good), ...Object.values(bad)]) {
      try {
        copyFileSync(f, join(lib, f.slice(dir.length + 1)));
      } catch {
        // The missing file stays missing.
      }
    }
  });

  /** Everything the catalog holds of each track, by path, ids and times left out. */
  function stored(db: Catalog) {
    return listTracks(db)
      .map((t) => {
        const seq = getFeatures(db, t.id, 'audio')!;
        const seg = getSegments(db, t.id, 'stats-v1');
        return {
          path: t.path,
          title: t.title,
          artist: t.artist,
          album: t.album,
          duration: t.duration,
          summary: comparable(t.summary as Record<string, unknown>),
          seq: { ...seq, data: Array.from(seq.data) },
          segments: seg ? { starts: Array.from(seg.starts), data: Array.from(seg.data) } : null,
        };
      })
      .sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  it('stores the same tracks, features, segments, failures and partial files as one ffmpeg per file', async () => {
    const run = async (batch: number) => {
      const db = openCatalog(join(dir, `catalog-batch-${batch}.sqlite`));
      catalogs.push(db);
      const ticks: number[] = [];
      const r = await indexLibrary(db, [lib], { jobs: 2, batch, components: testComponents('stats-v1'), onProgress: (e) => e.phase === 'analyze' && ticks.push(e.snapshot.done) });
      return { r, db, ticks };
    };
    const one = await run(1);
    const eight = await run(8);
    expect(one.r.indexed).toBe(9);
    const report = (r: typeof one.r) => ({
      ...r,
      failed: r.failed.map((f) => ({ ...f, reason: withoutFfmpegDetail(f.reason) })),
      // In the order files finished, in both runs: that order is the two workers' race.
      partial: r.partial.map((p) => ({ ...p, cause: withoutFfmpegDetail(p.cause) })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    });
    expect(report(eight.r)).toEqual(report(one.r));
    expect(eight.r.partial.map((p) => p.path.slice(lib.length + 1)).sort()).toEqual(['cut.mp3', 'damaged.flac', 'nan.wav']);
    expect(eight.r.failed.map((f) => f.path.slice(lib.length + 1))).toEqual(['empty.ogg', 'noise.mp3', 'readme.wav', 'silent-video.mka']);
    // Progress still counts files, one tick each.
    expect(eight.ticks).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(stored(eight.db)).toEqual(stored(one.db));
    expect(stored(one.db).every((t) => t.segments !== null)).toBe(true);
  }, 180_000);
});
