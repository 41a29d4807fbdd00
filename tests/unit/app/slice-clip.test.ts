/**
 * A section of a clip as a clip of its own: rows [20, 40) of a clip that starts 10 s into its file
 * start 10 s later (20 s in the file), last 10 s, and keep only their own cuts, re-timed.
 */
import { describe, expect, it } from 'vitest';
import { sliceClip, type ClipAnalysis } from '../../../electron/engine/app/clip';

describe('sliceClip', () => {
  it('moves the start by the rows skipped and keeps the section’s own cuts', () => {
    const T = 80;
    const data = new Float32Array(T * 2).map((_, i) => i);
    const clip: ClipAnalysis = { file: 'c.mp4', start: 10, duration: 40, cuts: [5, 10, 12.5, 19.75, 20, 30], analysisCuts: [5.1, 10, 12.4, 19.8, 20, 30], seq: { step: 0.5, names: ['a', 'b'], data, T, D: 2, spec: 'test', start: 10 } };
    const s = sliceClip(clip, 20, 40);
    expect(s.start).toBe(20);
    expect(s.duration).toBe(10);
    expect(s.seq.start).toBe(20);
    expect(s.seq.T).toBe(20);
    expect(s.seq.data[0]).toBe(40); // row 20, column 0
    // 10 s is the section's first edge (a boundary, not a cut in it); 20 s is its end.
    expect(s.cuts).toEqual([2.5, 9.75]);
    // The descriptors' cuts (the beat term's) are sliced by the same rule.
    expect(s.analysisCuts.map((c) => Number(c.toFixed(6)))).toEqual([2.4, 9.8]);
    expect(() => sliceClip(clip, 70, 90)).toThrow("section rows [70, 90) outside the clip's 80 rows");
  });
});
