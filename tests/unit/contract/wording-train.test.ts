/**
 * Review S12.1/S12.2/S12.4: one wording for both fronts. Times: the Train screen showed model
 * versions' creation in UTC (the ISO string cut) beside a default version name in local time, and
 * `models list` printed UTC without saying so. A fine-tuned version's Recall@10 showed "–" on the
 * Train screen where `models list` read its held-out figure. Job phases showed engine ids.
 * Truths: Intl's own rendering of the instant in the zone; the numbers written into the metrics.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { headline, heldOutTooFew, localTime, MIN_HELD_OUT_EDITS, modelRecall10, phaseName } from '../../../electron/contract/wording';
import { REPO_ROOT } from '../../helpers/cli';

/** The instant as Intl writes it in `zone`: "2026-12-01 13:34:23" (sv-SE is ISO-ordered). */
const intl = (iso: string, zone: string): string =>
  new Intl.DateTimeFormat('sv-SE', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

describe('localTime', () => {
  // A worker thread cannot move its zone by process.env.TZ (Stryker's runner runs tests in threads): this
  // case needs a process of its own, which `npm test` gives it.
  it.skipIf(!isMainThread)("is the process's local time (TZ), with the zone's offset when asked", () => {
    const before = process.env.TZ;
    try {
      for (const [zone, offset] of [['America/New_York', '-05:00'], ['Asia/Kolkata', '+05:30'], ['UTC', '+00:00']] as const) {
        process.env.TZ = zone;
        const iso = '2026-12-01T18:34:23.120Z';
        expect(localTime(iso, { seconds: true })).toBe(intl(iso, zone));
        expect(localTime(iso)).toBe(intl(iso, zone).slice(0, 16));
        // December: no daylight saving in any of them.
        expect(localTime(iso, { seconds: true, zone: true })).toBe(`${intl(iso, zone)} ${offset}`);
      }
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('an unparsable value is shown as written', () => {
    expect(localTime('yesterday')).toBe('yesterday');
  });
});

describe('modelRecall10', () => {
  const side = (r10: number, gallery?: number) => ({ recall1: r10 / 2, recall10: r10, ...(gallery !== undefined ? { gallery } : {}) });
  it("a fine-tuned version: its held-out figure and its parent's, as written", () => {
    expect(modelRecall10({ evaluations: { heldOut: { before: { videoToMusic: side(0.25, 40) }, after: { videoToMusic: side(0.5, 40) } } } })).toEqual({ on: 'held-out edits', value: '0.500', parent: '0.250', over: ' over 40 windows' });
  });
  it('a trivial held-out gallery: n/a, as models list says', () => {
    expect(modelRecall10({ evaluations: { heldOut: { before: { videoToMusic: side(1, 6) }, after: { videoToMusic: side(1, 6) } } } })?.value).toBe('n/a (gallery of 6)');
  });
  it('too few held-out edits to compare (review T6): no figure, the count and how many are needed, in models list and on the Train screen', () => {
    const metrics = { evaluations: { heldOut: { edits: 1, before: null, after: null, reason: 'not compared: only 1 held-out edit' }, base: null } };
    expect(modelRecall10(metrics)).toEqual({ on: 'held-out edits', value: `n/a (1 held-out edit, ${MIN_HELD_OUT_EDITS} needed)`, over: '', notCompared: true });
    expect(headline(metrics)).toBe(`held-out edits v→m R@10 n/a (1 held-out edit, ${MIN_HELD_OUT_EDITS} needed)`);
  });
  it('the reason says how many held-out edits a comparison needs and how many usable edits give that many', () => {
    // A quarter held out, and at least 2 from 4 usable edits on (train/edits.ts splitVideos, review R1.1: it promised 8 on average).
    expect(heldOutTooFew(1, 0.25, ['chaplin.mp4'])).toMatch(/^not compared: only 1 held-out edit \(chaplin\.mp4\), and /);
    expect(heldOutTooFew(1, 0.25)).toMatch(/^not compared: only 1 held-out edit, and a comparison needs at least 2 .* About 25 % of the usable edits are held out.*, and at least 2 once 4 are usable: add finished edits to the folder \(4 usable edits are enough\)$/);
  });
  it('a trained version: its test split', () => {
    expect(modelRecall10({ test: { videoToMusic: side(0.4216) } })).toEqual({ on: 'test', value: '0.422', over: '' });
  });
});

/** Every phase id the engine sends as a literal: job.progress('x', …) and the phase unions of its progress callbacks. */
function enginePhases(): Set<string> {
  const phases = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const src = readFileSync(p, 'utf8');
        for (const m of src.matchAll(/\.progress\('([a-z-]+)'/g)) phases.add(m[1]);
        // The base benchmark's phases reach the job as `benchmark-${phase}` (finetune.ts).
        const prefix = name === 'base-benchmark.ts' ? 'benchmark-' : '';
        for (const m of src.matchAll(/phase: ((?:'[a-z-]+'(?: \| )?)+);/g)) for (const q of m[1].matchAll(/'([a-z-]+)'/g)) phases.add(prefix + q[1]);
      }
    }
  };
  walk(join(REPO_ROOT, 'electron/engine'));
  return phases;
}

describe('phaseName', () => {
  it('names every phase the engine reports in words, not its id', () => {
    const phases = enginePhases();
    expect(phases.size).toBeGreaterThan(10);
    expect(phases).toContain('benchmark-render');
    for (const phase of phases) expect(phaseName(phase), phase).not.toBe(phase);
    expect(phaseName('benchmark-render')).toBe('Rendering the base benchmark');
  });
});
