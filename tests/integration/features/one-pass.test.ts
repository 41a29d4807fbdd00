/**
 * The indexer's analyzer reads the stated duration and the tags from the decoding ffmpeg's own
 * input dump instead of a separate ffprobe. It must give exactly what ffprobe + the descriptors
 * gave, on real and odd files, and must not start ffprobe unless the dump cannot be trusted.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { extractAudioFeatures } from '../../../electron/engine/features/audio';
import { configureFfmpeg } from '../../../electron/engine/media/ffmpeg-path';
import { probe } from '../../../electron/engine/media/probe';
import { analyzeTrack, decodedTruth } from '../../../electron/engine/library/audio-analyzer';
import { ffmpeg, musicLike, sharedMediaDir, tempDir, truncated } from '../../helpers/media';

const root = await sharedMediaDir();
const signal = new AbortController().signal;
let dir: string;
let cleanup: () => Promise<void>;
const made: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('needledrop-one-pass-'));
  const tone = ['-f', 'lavfi', '-i', 'sine=f=440:d=3'];
  made.tagged = await ffmpeg([...tone, '-metadata', 'title= Blue: in Green ', '-metadata', 'artist=Miles', '-metadata', 'album=Kind of Blue'], join(dir, 'tagged.mp3'));
  made.longTitle = await ffmpeg([...tone, '-metadata', `title=${'Ä'.repeat(200)}`], join(dir, 'long-title.mp3'));
  made.twoLines = await ffmpeg([...tone, '-metadata', 'title=line one\nline two'], join(dir, 'two-lines.flac'));
  made.streamTags = await ffmpeg([...tone, '-c:a', 'libvorbis', '-metadata:s:a:0', 'title=on the stream', '-metadata', 'artist=on the container'], join(dir, 'stream-tags.ogg'));
  made.cut = await truncated(await musicLike(dir, { seconds: 8, name: 'whole.mp3' }), dir, 0.5, 'cut.mp3');
}, 60_000);
afterAll(() => cleanup?.());
afterEach(() => configureFfmpeg({}));

/** The analysis as it was made before: ffprobe first, then the descriptors. */
async function viaProbe(file: string) {
  const info = await probe(file);
  const { seq, summary } = await extractAudioFeatures(file, { info });
  const { duration, partial } = decodedTruth(info.duration, summary);
  return { tags: info.tags, duration, partial, seq };
}

async function expectSameAsProbe(file: string): Promise<void> {
  const a = await analyzeTrack(file, signal);
  const b = await viaProbe(file);
  expect(a.info).toEqual({ title: b.tags.title ?? null, artist: b.tags.artist ?? null, album: b.tags.album ?? null, duration: b.duration });
  expect(a.summary.partial).toEqual(b.partial);
  expect(a.seq.T).toBe(b.seq.T);
  expect(Array.from(a.seq.data)).toEqual(Array.from(b.seq.data));
}

describe('one ffmpeg run per track', () => {
  it.each(['tagged', 'longTitle', 'twoLines', 'streamTags', 'cut'])('%s: the same analysis as ffprobe + descriptors', async (name) => {
    await expectSameAsProbe(made[name]);
  });

  it('keeps the tags and flags a file cut short as before', async () => {
    const tagged = await analyzeTrack(made.tagged, signal);
    expect(tagged.info).toMatchObject({ title: 'Blue: in Green', artist: 'Miles', album: 'Kind of Blue' });
    const streamTags = await analyzeTrack(made.streamTags, signal);
    expect(streamTags.info).toMatchObject({ title: 'on the stream', artist: 'on the container' });
    const cut = await analyzeTrack(made.cut, signal);
    expect(cut.info.duration).toBeLessThan(5);
    expect(String((cut.summary.partial as { cause?: string } | undefined)?.cause)).toMatch(/cut short/);
  });

  it('starts no ffprobe for an ordinary file, and ffprobe when the dump may have cut a tag', async () => {
    // An ffprobe that always fails: any use of it fails the analysis.
    configureFfmpeg({ ffprobe: '/bin/false' });
    const a = await analyzeTrack(made.tagged, signal);
    expect(a.info.title).toBe('Blue: in Green');
    await expect(analyzeTrack(made.longTitle, signal)).rejects.toThrow();
    await expect(analyzeTrack(made.twoLines, signal)).rejects.toThrow();
  });

  it.skipIf(!root)('real recordings and odd files in ../shared/media: the same analysis as ffprobe + descriptors', async () => {
    const files = (await Promise.all(['music', 'odd'].map(async (d) => (await readdir(join(root!, d))).filter((f) => !/\.(txt|md)$/.test(f)).map((f) => join(root!, d, f))))).flat();
    for (const file of files) await expectSameAsProbe(file);
  }, 120_000);
});
