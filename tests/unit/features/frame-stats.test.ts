/**
 * FrameAnalyser on pixel buffers built in memory (no ffmpeg), against values worked out by hand:
 * the hue of pure primaries, the edge density of one step edge, and the normal-flow speed of a
 * step edge moving a known number of pixels per frame (fine and coarse scale).
 */
import { describe, expect, it } from 'vitest';
import { FrameAnalyser } from '../../../electron/engine/features/frame';

/** An RGB frame: white where x ≥ edge, black elsewhere. */
function stepFrame(w: number, h: number, edge: number): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = edge; x < w; x++) rgb.fill(255, (y * w + x) * 3, (y * w + x) * 3 + 3);
  return rgb;
}

function solid(w: number, h: number, colour: readonly number[]): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) rgb.set(colour, i * 3);
  return rgb;
}

describe('FrameAnalyser', () => {
  it('puts red, green and blue at 0°, 120° and 240° of the hue histogram, with saturation 1', () => {
    const bins = 12;
    for (const [rgb, degrees] of [[[255, 0, 0], 0], [[0, 255, 0], 120], [[0, 0, 255], 240], [[255, 255, 0], 60], [[0, 255, 255], 180]] as const) {
      const a = new FrameAnalyser(8, 8, bins, 0.1);
      const s = a.analyse(solid(8, 8, rgb));
      const bin = Math.floor((degrees / 360) * bins);
      expect(s.hue[bin], `${rgb.join(',')}`).toBeCloseTo(1, 6);
      expect(s.saturation).toBeCloseTo(1, 6);
    }
  });

  it('reads a vertical step edge as two edge columns of the interior: density 2 / (w − 2)', () => {
    for (const [w, h] of [[16, 16], [20, 10], [12, 30]]) {
      const s = new FrameAnalyser(w, h, 8, 0.1).analyse(stepFrame(w, h, w / 2));
      expect(s.edgeDensity, `${w}×${h}`).toBeCloseTo(2 / (w - 2), 9);
    }
  });

  it('reads a step edge moving k pixels a frame as speed ≈ k (fine), and 4-pixel steps as ≈ 4 at the coarse scale', () => {
    const [w, h] = [64, 32];
    for (const k of [1, 2, 3]) {
      const a = new FrameAnalyser(w, h, 8, 0.1);
      a.analyse(stepFrame(w, h, 24));
      const s = a.analyse(stepFrame(w, h, 24 + k));
      // Σ|Δluma| = k per row (k h); Σ|∇luma| (Sobel / 8) = 1 per interior row, scaled to the whole
      // frame: w h / (w − 2); plus the documented floor of 0.002 per pixel.
      expect(s.speed, `k = ${k}`).toBeCloseTo((k * h) / ((w * h) / (w - 2) + 0.002 * w * h), 4);
      expect(s.motion).toBeCloseTo(k / w, 6);
    }
    // Aligned with the 4 × 4 blocks the coarse frame moves one coarse pixel: 4 full-size pixels.
    const a = new FrameAnalyser(w, h, 8, 0.1);
    a.analyse(stepFrame(w, h, 24));
    const s = a.analyse(stepFrame(w, h, 28));
    // On the 16 × 8 coarse frame: Σ|Δ| = 1 and Σ|∇| = 1 per interior row, floor 0.002 × 14 per row.
    expect(s.speedCoarse).toBeCloseTo(4 / (1 + 0.002 * (w / 4 - 2)), 4);
    // The first frame has no motion.
    expect(new FrameAnalyser(w, h, 8, 0.1).analyse(stepFrame(w, h, 24)).speedCoarse).toBe(0);
  });
});
