import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, planCorpus, planExtraTestPairs } from '../../../electron/engine/corpus';

describe('extra test pairs for an existing corpus (round 4)', () => {
  const corpus = planCorpus(9002, { ...DEFAULT_OPTIONS, pairs: 40 });
  const extra = planExtraTestPairs(corpus, 200);

  it('are new pairs after the corpus, all in the test split', () => {
    expect(extra).toHaveLength(200);
    expect(extra.every((p) => p.split === 'test')).toBe(true);
    expect(extra[0].id).toBe('p00041');
    const ids = new Set(corpus.pairs.map((p) => p.id));
    expect(extra.some((p) => ids.has(p.id))).toBe(false);
    expect(new Set(extra.map((p) => p.video)).size).toBe(200);
  });

  it('draw the latents a larger corpus of the same seed would have at those indices', () => {
    // The latent of pair i depends only on (seed, i): an independent way to the same values.
    const larger = planCorpus(9002, { ...DEFAULT_OPTIONS, pairs: 240 });
    expect(extra.map((p) => p.latent)).toEqual(larger.pairs.slice(40).map((p) => p.latent));
  });

  it("use the corpus's held-out style and timbre about half the time, as its test pairs do", () => {
    const held = corpus.heldOut as NonNullable<typeof corpus.heldOut>;
    const style = extra.filter((p) => p.nuisance.style === held.style).length / extra.length;
    const timbre = extra.filter((p) => p.nuisance.timbre === held.timbre).length / extra.length;
    // Half by construction plus 1/5 of the other half by chance would be 0.6 if the held-out value
    // could also be drawn from the rest; it cannot, so 0.5 ± binomial noise (sd 0.035 at 200).
    expect(style).toBeGreaterThan(0.38);
    expect(style).toBeLessThan(0.62);
    expect(timbre).toBeGreaterThan(0.38);
    expect(timbre).toBeLessThan(0.62);
    // Train pairs never have them: the extra set really is unseen in style for half its pairs.
    expect(corpus.pairs.filter((p) => p.split === 'train').some((p) => p.nuisance.style === held.style || p.nuisance.timbre === held.timbre)).toBe(false);
  });
});
