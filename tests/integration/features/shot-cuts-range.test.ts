/**
 * A match of part of a clip finds the shot cuts of that part alone (since b402a7a a CLI match decoded
 * the whole film once more at 64 px for them, even for 10 s of it), and they are the whole clip's:
 * for every range, the cuts a range-limited detection finds inside it (contract cutsInside) are the
 * whole-clip detection's inside it. The clip is built with hard cuts on known frames, among them a
 * one-frame shot (two cuts on adjacent frames: the detector's tie-break) and a run of three, and the
 * ranges put cuts on, one frame inside and one frame outside each edge; the real clips add real
 * pictures (and fire2's variable rate, which is decoded whole: `span` absent).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutsInside } from '../../../electron/contract/clip-range';
import { detectShotCuts, ShotCutCache, type ShotCuts } from '../../../electron/engine/features/shot-cuts';
import { probe, type MediaInfo } from '../../../electron/engine/media/probe';
import { hardCuts, sharedMediaDir } from '../../helpers/media';

const FPS = 25;
const SECONDS = 20;
const F = 1 / FPS;
/** On whole frames: a one-frame shot at 2.44 (cuts 2.44 and 2.48), a run at 12.00/12.04/12.08, one on the last frame but one. */
const CUTS = [1.0, 2.44, 2.48, 5.16, 5.28, 7.4, 9.0, 10.2, 12.0, 12.04, 12.08, 15.6, 19.92];

let root: string;
let clip: string;
let whole: ShotCuts;
/** Probed once and handed to every detection, as match and fit hand theirs (a range per ffprobe would double the processes). */
let info: MediaInfo;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nd-shot-range-'));
  clip = await hardCuts(root, { seconds: SECONDS, cuts: CUTS, fps: FPS, name: 'cuts.mp4' });
  info = await probe(clip);
  whole = await detectShotCuts(clip, { info });
}, 120_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const ms = (x: number): number => Math.round(x * 1000) / 1000;

/** Ranges with a cut on, one frame inside and one frame outside each edge, around every constructed cut; and the clip's ends. */
function ranges(cuts: readonly number[], seconds: number, fps: number): Array<{ start: number; end: number }> {
  const f = 1 / fps;
  const out: Array<{ start: number; end: number }> = [{ start: 0, end: 3 }, { start: seconds - 3, end: seconds }, { start: 0.5, end: seconds - 0.5 }];
  for (const c of cuts) {
    for (const d of [-f, 0, f]) {
      const start = ms(Math.max(0, c + d));
      if (start + 2.5 <= seconds) out.push({ start, end: ms(Math.min(seconds, start + 2.5)) });
      const end = ms(c + d);
      if (end - 2.5 >= 0 && end <= seconds) out.push({ start: ms(end - 2.5), end });
    }
  }
  // Adjacent cuts a frame apart give some ranges twice (2.44 + 1 frame is 2.48): each is decoded once.
  return [...new Map(out.map((r) => [`${r.start}–${r.end}`, r])).values()];
}

describe('shot cuts of a range alone are the whole clip’s there', () => {
  it('the whole detection finds the constructed cuts (within a frame)', () => {
    // The one-frame shot and the run of three keep one or two of their adjacent cuts (the tie-break).
    expect(whole.cuts.length).toBeGreaterThanOrEqual(CUTS.length - 3);
    expect(whole.cuts.length).toBeLessThanOrEqual(CUTS.length - 1);
    for (const c of whole.cuts) expect(Math.min(...CUTS.map((k) => Math.abs(k - c)))).toBeLessThanOrEqual(F + 1e-6);
  });

  it('every range: the cuts inside it are the whole detection’s, from a decode of the range and a few frames', async () => {
    const all = ranges(CUTS, SECONDS, FPS);
    expect(all.length).toBeGreaterThanOrEqual(60);
    for (const range of all) {
      const part = await detectShotCuts(clip, { range, info });
      const at = `${range.start}–${range.end}`;
      expect(cutsInside(part.cuts, range.start, range.end, FPS), at).toEqual(cutsInside(whole.cuts, range.start, range.end, FPS));
      // It decoded the range and at most half a second either side, not the clip.
      expect(part.span, at).toBeDefined();
      expect(part.span!.from).toBeLessThanOrEqual(range.start);
      expect(part.span!.to).toBeGreaterThanOrEqual(Math.min(range.end, SECONDS - F));
      expect(part.span!.from).toBeGreaterThanOrEqual(range.start - 0.5);
      expect(part.span!.to).toBeLessThanOrEqual(range.end + 0.5);
    }
  }, 600_000);

  it('the app’s cache: a kept whole detection is what a range gets; a range alone is not kept', async () => {
    const cache = new ShotCutCache();
    const first = await cache.get(clip, { range: { start: 4, end: 8 } });
    expect(first.span).toBeDefined();
    const markers = await cache.get(clip);
    expect(markers.span).toBeUndefined();
    expect(markers.cuts).toEqual(whole.cuts);
    expect(await cache.get(clip, { range: { start: 4, end: 8 } })).toBe(markers);
  }, 120_000);
});

const media = await sharedMediaDir();

describe.skipIf(!media)('real clips', () => {
  it.each([
    ['chaplin.mp4', true],
    ['big_buck_bunny_0_30.webm', true],
    ['smpte-2997.mp4', true],
    ['fire2.mp4', false],
  ] as const)('%s: a range’s cuts are the whole detection’s inside it', async (name, partial) => {
    const file = join(media ?? '', 'video', name);
    const fileInfo = await probe(file);
    const full = await detectShotCuts(file, { info: fileInfo });
    const seconds = Math.max(...full.cuts, 2.3) + 0.1;
    const picked = [...ranges(full.cuts.slice(0, 4), seconds, full.fps), { start: 0.2, end: 2.3 }];
    for (const range of picked) {
      const part = await detectShotCuts(file, { range, info: fileInfo });
      expect(cutsInside(part.cuts, range.start, range.end, full.fps), `${name} ${range.start}–${range.end}`).toEqual(cutsInside(full.cuts, range.start, range.end, full.fps));
      expect(part.span !== undefined, `${name}: decoded ${partial ? 'in part' : 'whole'}`).toBe(partial);
    }
  }, 900_000);
});
