/**
 * How a fine-tune saved before the held-out rule (review T6) is shown (train/held-out.ts shownMetrics):
 * one that held out fewer than 2 edits and had no Match feedback reads as a version saved now (no
 * figures, the count, the reason); every other manifest is shown exactly as saved. Truths: the rule
 * and the reason's words as docs/models.md ("Too few held-out edits to compare") states them: 2 needed,
 * a quarter of the usable edits held out, and at least 2 once 4 are usable (review R1.1).
 */
import { describe, expect, it } from 'vitest';
import { shownMetrics } from '../../../electron/engine/train/held-out';

const side = (r: number) => ({ recall1: r, recall5: r, recall10: r, mapAtR: r });
const FIGURES = { before: { method: 'parent base', videoToMusic: side(0.2), musicToVideo: side(0.2) }, after: { method: 'fine-tuned', videoToMusic: side(0.4), musicToVideo: side(0.4) } };
const BASE = { videoToMusic: side(0.3) };

/** A fine-tune's manifest as an older version saved it: `val` of the listed videos held out. */
function oldFinetune(files: unknown[], val: number, feedback: unknown = null) {
  return {
    metrics: { evaluations: { heldOut: { ...FIGURES }, base: BASE }, bestStep: 4 },
    training: { data: 'edits', seed: 1, steps: 5, finetune: { headsOnly: true, feedback, videos: files.map((file, i) => ({ file, split: i >= files.length - val ? 'val' : 'train', windows: 5 })), skipped: [] } },
  };
}

/**
 * The reason's parts this module decides: the count, the held-out file's name and the share held out
 * (a quarter); the rest of the sentence is contract/wording.ts heldOutTooFew's (tested with it).
 */
const reasonOf = (shown: unknown): string => (shown as { evaluations: { heldOut: { reason: string } } }).evaluations.heldOut.reason;

describe('a fine-tune saved before the held-out rule', () => {
  it('with one held-out edit and no feedback: no figures, 1 edit, the reason naming its file; the rest as saved', () => {
    const m = oldFinetune(['/edits/a.mp4', '/edits/b.mp4', '/edits/sub/c.mp4'], 1);
    const shown = shownMetrics(m);
    expect(shown).toEqual({ evaluations: { heldOut: { edits: 1, before: null, after: null, reason: expect.any(String) }, base: BASE }, bestStep: 4 });
    expect(reasonOf(shown)).toMatch(/^not compared: only 1 held-out edit \(c\.mp4\), and a comparison needs at least 2\b/);
    expect(reasonOf(shown)).toContain('About 25 % of the usable edits are held out');
    // The manifest itself keeps its figures (model.json is left as it is).
    expect(m.metrics.evaluations.heldOut).toEqual(FIGURES);
  });

  it('with no held-out edit: 0 edits, no file named', () => {
    const shown = shownMetrics(oldFinetune(['/edits/a.mp4', '/edits/b.mp4'], 0)) as { evaluations: { heldOut: Record<string, unknown> } };
    expect(shown.evaluations.heldOut).toMatchObject({ edits: 0, before: null, after: null });
    expect(reasonOf(shown)).toMatch(/^not compared: only 0 held-out edits, and a comparison needs at least 2\b/);
  });

  it('a held-out video without a file name is counted, not named', () => {
    const shown = shownMetrics(oldFinetune(['/edits/a.mp4', 7], 1)) as { evaluations: { heldOut: Record<string, unknown> } };
    expect(shown.evaluations.heldOut.edits).toBe(1);
    expect(reasonOf(shown)).toMatch(/^not compared: only 1 held-out edit, and a comparison needs at least 2\b/);
  });

  it('shown as saved: 2 held-out edits, Match feedback, or no list of videos', () => {
    for (const m of [
      oldFinetune(['/e/a.mp4', '/e/b.mp4', '/e/c.mp4'], 2),
      oldFinetune(['/e/a.mp4', '/e/b.mp4', '/e/c.mp4'], 3),
      oldFinetune(['/e/a.mp4', '/e/b.mp4', '/e/c.mp4'], 1, { accepted: 1, rejected: 0, pairs: 3, negatives: 0 }),
      { ...oldFinetune([], 0), training: { data: 'edits', seed: 1, steps: 5, finetune: { feedback: null, videos: 'a.mp4' } } },
      { ...oldFinetune([], 0), training: { data: 'edits', seed: 1, steps: 5, finetune: { feedback: null } } },
    ]) {
      expect(shownMetrics(m)).toBe(m.metrics);
    }
  });
});

describe('every other manifest is shown as saved', () => {
  it('saved with the rule (it records edits), not a fine-tune, or with no held-out evaluation', () => {
    const now = { ...oldFinetune(['/e/a.mp4', '/e/c.mp4'], 1), metrics: { evaluations: { heldOut: { edits: 1, before: null, after: null, reason: 'r' } } } };
    const base = { metrics: { evaluations: { heldOut: { ...FIGURES } } }, training: { data: 'synthetic', seed: 1, steps: 900 } };
    const none = { metrics: { evaluations: null }, training: oldFinetune(['/e/a.mp4'], 1).training };
    const noEval = { metrics: {}, training: oldFinetune(['/e/a.mp4'], 1).training };
    const noHeldOut = { metrics: { evaluations: { base: BASE } }, training: oldFinetune(['/e/a.mp4'], 1).training };
    for (const m of [now, base, none, noEval, noHeldOut]) expect(shownMetrics(m)).toBe(m.metrics);
  });
});
