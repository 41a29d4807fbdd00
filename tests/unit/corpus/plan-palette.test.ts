/**
 * The corpus plan and the clip's filter graph as text, without rendering: the held-out style and
 * timbre, the palette's colour against an independent HSL → BT.601 conversion, the pan style's
 * motion rates, and option checks that fail before any work.
 */
import { describe, expect, it } from 'vitest';
import { generateCorpus } from '../../../electron/engine/corpus/generate';
import { DEFAULT_OPTIONS, planCorpus } from '../../../electron/engine/corpus/plan';
import { TIMBRES, VIDEO_STYLES, type CorpusOptions, type CorpusPair } from '../../../electron/engine/corpus/types';
import { paletteFilter, videoGraph } from '../../../electron/engine/corpus/video';

const OPTS: CorpusOptions = { ...DEFAULT_OPTIONS, pairs: 60 };

/** CSS Color 4's HSL → sRGB (h in degrees, s and l in [0, 1]), then BT.601 limited-range Y, U, V. */
function hslToYuv601(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number): number => {
    const k = (n + h / 30) % 12;
    return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  const [r, g, b] = [f(0), f(8), f(4)];
  const y = 0.299 * r + 0.587 * g + 0.114 * b;
  return [16 + 219 * y, 128 + 224 * ((b - y) / 1.772), 128 + 224 * ((r - y) / 1.402)];
}

/** The lutyuv's luma at grey level `val` and its constant chroma. */
function parsePalette(filter: string): { y: (val: number) => number; u: number; v: number } {
  const m = /^lutyuv=y='([-\d.]+)\+\(clip\(val,16,235\)-16\)\*([-\d.]+)':u=(\d+):v=(\d+)$/.exec(filter);
  if (!m) throw new Error(`unexpected palette filter ${filter}`);
  const [lo, gain] = [Number(m[1]), Number(m[2])];
  return { y: (val) => lo + (Math.min(235, Math.max(16, val)) - 16) * gain, u: Number(m[3]), v: Number(m[4]) };
}

describe('corpus plan', () => {
  it('keeps the held-out style and timbre out of train and val, and puts them in the first test pair', () => {
    const m = planCorpus(99, OPTS);
    if (!m.heldOut) throw new Error('a default plan holds out a style and a timbre');
    const { style, timbre } = m.heldOut;
    expect(VIDEO_STYLES).toContain(style);
    expect(TIMBRES).toContain(timbre);
    for (const p of m.pairs.filter((q) => q.split !== 'test')) {
      expect(p.nuisance.style).not.toBe(style);
      expect(p.nuisance.timbre).not.toBe(timbre);
    }
    const firstTest = m.pairs.find((p) => p.split === 'test');
    expect(firstTest?.nuisance.style).toBe(style);
    expect(firstTest?.nuisance.timbre).toBe(timbre);
  });

  it('without a hold-out every pair, test pairs too, gets a real style and timbre, and train pairs see all of them', () => {
    const m = planCorpus(99, { ...OPTS, pairs: 200, holdOut: false });
    expect(m.heldOut).toBeNull();
    for (const p of m.pairs) {
      expect(VIDEO_STYLES).toContain(p.nuisance.style);
      expect(TIMBRES).toContain(p.nuisance.timbre);
    }
    const train = m.pairs.filter((p) => p.split === 'train');
    expect(new Set(train.map((p) => p.nuisance.style)).size).toBe(VIDEO_STYLES.length);
    expect(new Set(train.map((p) => p.nuisance.timbre)).size).toBe(TIMBRES.length);
  });

  it('rejects an odd frame size before rendering anything (yuv420p needs even sides)', async () => {
    await expect(generateCorpus({ pairs: 1, seed: 1, height: 33, outDir: '/nonexistent/never-written' })).rejects.toThrow(/frame size must be even.*320×33/);
    await expect(generateCorpus({ pairs: 1, seed: 1, width: 31, outDir: '/nonexistent/never-written' })).rejects.toThrow(/frame size must be even/);
    // An even size passes on to the next check (jobs), so the size check is not refusing everything.
    await expect(generateCorpus({ pairs: 1, seed: 1, width: 32, height: 32, jobs: 0, outDir: '/nonexistent/never-written' })).rejects.toThrow(/jobs must be a positive integer/);
  });
});

describe('corpus palette and graph', () => {
  it('colours the clip with the HSL palette converted to BT.601 limited range, whatever turn the hue is given in', () => {
    for (const [hue, sat, light] of [[120, 0.6, 0.5], [230, 0.3, 0.35], [50, 0.8, 0.6], [0, 0.5, 0.4], [300, 0.4, 0.5]] as const) {
      const lo = hslToYuv601(hue, sat, light - 0.18);
      const hi = hslToYuv601(hue, sat, light + 0.18);
      for (const turn of [0, 360, -360, 720]) {
        const p = parsePalette(paletteFilter(hue + turn, sat, light));
        expect(p.y(16)).toBeCloseTo(lo[0], 1);
        expect(p.y(235)).toBeCloseTo(hi[0], 1);
        expect(Math.abs(p.u - (lo[1] + hi[1]) / 2)).toBeLessThanOrEqual(0.51);
        expect(Math.abs(p.v - (lo[2] + hi[2]) / 2)).toBeLessThanOrEqual(0.51);
      }
    }
  });

  it('pans and zooms the cloud style at rates proportional to arousal: zoom 0.05–0.2 Hz, pan 0.1–0.35 Hz at full speed', () => {
    const base = planCorpus(5, { ...OPTS, pairs: 1 }).pairs[0];
    for (const arousal of [0, 0.5, 1]) {
      const pair: CorpusPair = { ...base, latent: { ...base.latent, arousal }, nuisance: { ...base.nuisance, style: 'pan', cuts: [] } };
      const graph = videoGraph(pair, OPTS);
      const speed = 0.15 + 0.85 * arousal;
      // Angular frequencies (radians per second) of z, x and y, in that order.
      const rates = [...graph.matchAll(/sin\(([\d.]+)\*(?:in_time|\(in\/\d+\))\+/g)].map((m) => Number(m[1]) / (2 * Math.PI * speed));
      expect(rates).toHaveLength(3);
      expect(rates[0]).toBeGreaterThanOrEqual(0.05 - 0.001);
      expect(rates[0]).toBeLessThanOrEqual(0.2 + 0.001);
      for (const r of rates.slice(1)) {
        expect(r).toBeGreaterThanOrEqual(0.1 - 0.001);
        expect(r).toBeLessThanOrEqual(0.35 + 0.001);
      }
    }
  });
});
