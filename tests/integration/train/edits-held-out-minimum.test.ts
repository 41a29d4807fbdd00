/**
 * Review R1.1: 10 usable edits held out 1 (the hash of each path alone decides, and a quarter of 10
 * is 1 or none 24 % of the time; the old rule then held out the lowest hash alone), so no before/after
 * was shown, and a rerun never changes it. From
 * SURE_HELD_OUT_FROM (4) usable edits at least MIN_HELD_OUT_EDITS (2) are held out, the train videos
 * of lowest hash moved, whole videos only. The reviewer's 10 file names (none held out by the hash,
 * worked out here from the documented rule), each a link to one real clip (8.5 s of shared/media's
 * chaplin.mp4, made small), through the real feature extraction (loadEditPairs).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_HELD_OUT_EDITS, SURE_HELD_OUT_FROM } from '../../../electron/contract/wording';
import { loadEditPairs, splitVideos, type EditsData } from '../../../electron/engine/train/edits';
import { ffmpeg, sharedMediaDir, tempDir } from '../../helpers/media';

/** The documented rule: the first 4 bytes of sha256(path relative to the folder) / 2^32, below 0.25 held out. */
const hashOf = (rel: string): number => createHash('sha256').update(rel).digest().readUInt32BE(0) / 2 ** 32;

const NAMES = [
  'edit 01 final.mp4',
  'édit ünïcode 02.mov',
  '-leading-dash 03.mkv',
  "it's a quote 04.webm",
  'edit 05 (v2) [final].mp4',
  'edit_06.m4v',
  'edit 07.avi',
  'edit 08.mp4',
  'edit 09.mp4',
  'edit 10.mp4',
];

const media = await sharedMediaDir();

describe('held-out edits: at least 2 from 4 usable edits on', () => {
  it('the reviewer names: the hash alone holds out none of 10, edit_06.m4v has the lowest hash (the one the old rule held out)', () => {
    expect(NAMES.filter((n) => hashOf(n) < 0.25)).toEqual([]);
    expect([...NAMES].sort((a, b) => hashOf(a) - hashOf(b))[0]).toBe('edit_06.m4v');
    expect(SURE_HELD_OUT_FROM).toBe(4);
    expect(MIN_HELD_OUT_EDITS).toBe(2);
  });

  it('any folder of 4 to 40 edits holds out and trains on at least 2; the hash-held ones stay held out, the next lowest hashes join them', () => {
    let raised = 0;
    for (let n = 4; n <= 40; n++) {
      for (let set = 0; set < 20; set++) {
        const names = Array.from({ length: n }, (_, i) => `set ${set}/clip ${i}.mp4`);
        const split = splitVideos(names);
        const val = names.filter((p) => split.get(p) === 'val');
        const train = names.filter((p) => split.get(p) === 'train');
        expect(val.length + train.length).toBe(n);
        expect(val.length).toBeGreaterThanOrEqual(2);
        expect(train.length).toBeGreaterThanOrEqual(2);
        const byHash = [...names].sort((a, b) => hashOf(a) - hashOf(b));
        const hashed = names.filter((p) => hashOf(p) < 0.25);
        if (hashed.length >= 2 && n - hashed.length >= 2) {
          // Enough on both sides by the hash: nothing moves.
          expect(new Set(val)).toEqual(new Set(hashed));
        } else if (hashed.length < 2) {
          raised++;
          // Exactly the two lowest hashes.
          expect(new Set(val)).toEqual(new Set(byHash.slice(0, 2)));
        } else {
          // Too many held out: the two highest train.
          expect(new Set(train)).toEqual(new Set(byHash.slice(-2)));
        }
      }
    }
    // The case of the review is common (at most one held out by the hash).
    expect(raised).toBeGreaterThan(20);
  });

  it('below 4 edits the split is as before: one of each from 2 on', () => {
    for (let set = 0; set < 50; set++) {
      for (const n of [2, 3]) {
        const names = Array.from({ length: n }, (_, i) => `small ${set}/${i}.mp4`);
        const splits = [...splitVideos(names).values()];
        expect(splits).toContain('val');
        expect(splits).toContain('train');
        const hashed = names.filter((p) => hashOf(p) < 0.25);
        if (hashed.length >= 1 && hashed.length < n) expect(names.filter((p) => splitVideos(names).get(p) === 'val')).toEqual(hashed);
      }
    }
  });

  describe.skipIf(!media)('a real folder of the 10 edits', () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    let edits: EditsData;
    beforeAll(async () => {
      ({ dir, cleanup } = await tempDir('needledrop-held-out-min-'));
      const folder = join(dir, 'edits');
      mkdirSync(folder);
      // One window (8 s) and a little: 10 decodes of it take seconds, not minutes.
      const clip = await ffmpeg(['-t', '8.5', '-i', join(media as string, 'video', 'chaplin.mp4'), '-vf', 'scale=160:-2', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac'], join(dir, 'chaplin-8.5s.mp4'));
      for (const n of NAMES) symlinkSync(clip, join(folder, n));
      edits = await loadEditPairs(folder, { window: 16, hop: 4, cacheDir: join(dir, 'cache'), jobs: 2 });
    }, 300_000);
    afterAll(() => cleanup?.());

    it('all 10 used; 2 held out, the two lowest hashes; no video in both splits', () => {
      expect(edits.skipped).toEqual([]);
      expect(edits.videos).toHaveLength(10);
      const lowest = [...NAMES].sort((a, b) => hashOf(a) - hashOf(b)).slice(0, 2);
      const held = edits.videos.filter((v) => v.split === 'val').map((v) => v.file.slice(v.file.lastIndexOf('/') + 1));
      expect(held.sort()).toEqual(lowest.sort());
      for (const v of edits.videos) {
        const splits = new Set(edits.data.pairs.filter((p) => p.id === v.file).map((p) => p.split));
        expect([...splits]).toEqual([v.split]);
      }
      expect(new Set(edits.data.pairs.filter((p) => p.split === 'val').map((p) => p.classId)).size).toBe(2);
    });
  });
});
