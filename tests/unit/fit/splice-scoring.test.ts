/**
 * Splice costs and candidate lists on hand-made grids. The costs of a 12-beat grid (bars of C
 * major, A minor, C major; the minor bar 6 dB quieter; no timbre) are worked out by hand from the
 * definitions: a C beat and an A-minor beat are 1/3 apart in chroma (1 − cos, cos = 2/3) and 6 dB
 * apart in level, each term in units of its median bar-to-bar change (1/3 and 6 dB), one third
 * each: 2/3 between unlike beats, 0 between like ones. A splice i → j costs half its context
 * (beats around i against those around j) plus half the junction (beat i − 1 against j; 1/2 at
 * the first beat) plus the bar, downbeat and phrase penalties.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../electron/engine/encoders/rng';
import { barPosition, BAR_SHIFT, OFF_DOWNBEAT, PHRASE_SHIFT, scoreSplices, SpliceScorer } from '../../../electron/engine/fit/splices';
import { TIMBRE_DIMS, type TrackGrid } from '../../../electron/engine/fit/types';

const C_MAJOR = [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0];
const A_MINOR = [1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0];

function grid(n: number, chroma: number[][], rmsDb: number[], phraseBars: number, timbre = new Float32Array(n * TIMBRE_DIMS)): TrackGrid {
  return {
    file: 'hand.wav',
    duration: n * 0.5,
    bpm: 120,
    beats: Array.from({ length: n }, (_, k) => k * 0.5),
    beatsPerBar: 4,
    downbeatPhase: 0,
    phraseBars,
    hasEnding: false,
    end: n * 0.5,
    features: { chroma: Float32Array.from(chroma.flat()), rmsDb: Float32Array.from(rmsDb), timbre, onset: new Float32Array(n) },
  };
}

/** C, Am, C bars; phrases of two bars, so bars 0 and 2 share a phrase position and bar 1 does not. */
function cAmC(): TrackGrid {
  const minorBar = (k: number): boolean => Math.floor(k / 4) === 1;
  return grid(
    12,
    Array.from({ length: 12 }, (_, k) => (minorBar(k) ? A_MINOR : C_MAJOR)),
    Array.from({ length: 12 }, (_, k) => (minorBar(k) ? -26 : -20)),
    2,
  );
}

describe('SpliceScorer.cost on the C / Am / C grid', () => {
  const cases: Array<[string, number, number, number]> = [
    // Context C against C (0); junction beat 7 (Am) against beat 0 (C): ½ · 2/3.
    ['8 → 0: like context, unlike junction', 8, 0, 0.5 * (2 / 3)],
    // Context Am against C everywhere (2/3 at every level): ½ · 2/3; junction beat 3 (C) against 0 (C): 0; phrase 1 → 0.
    ['4 → 0: unlike context, like junction, phrase shift', 4, 0, 0.5 * (2 / 3) + PHRASE_SHIFT],
    // No beat before the first: the junction counts ½.
    ['0 → 8: the first beat', 0, 8, 0.5],
    // Both second beats of their bars: off the bar line, same bar position and phrase.
    ['1 → 9: off the downbeat', 1, 9, OFF_DOWNBEAT],
    // Second beat to third beat: the bar position shifts.
    ['1 → 10: a bar shift', 1, 10, BAR_SHIFT + OFF_DOWNBEAT],
  ];
  for (const [name, i, j, want] of cases) {
    it(name, () => {
      const g = cAmC();
      const scorer = new SpliceScorer(g);
      // The grid is what the hand computation assumed.
      expect([barPosition(g, i).pos, barPosition(g, j).pos]).toEqual([i % 4, j % 4]);
      expect(scorer.cost(i, j)).toBeCloseTo(want, 6);
    });
  }
});

/** Random descriptors (distinct costs); 8 bars give slots of one bar, so only bar-shifted slots offer several targets; 16 bars give two-bar slots. */
function randomGrid(seed: number, n: number): TrackGrid {
  const random = seededRandom(seed);
  return grid(
    n,
    Array.from({ length: n }, () => Array.from({ length: 12 }, () => random())),
    Array.from({ length: n }, () => -30 + 20 * random()),
    4,
    Float32Array.from({ length: n * TIMBRE_DIMS }, () => random() * 10),
  );
}

/**
 * The candidate rule written out from its description: a splice leaves on a downbeat, jumps at
 * least a bar, lands on a downbeat unless bar shifts are allowed, and each slot (distance bucket
 * of max(bar, n/8) beats × direction × bar kept or shifted) keeps its `perBeat` cheapest targets;
 * a beat's list is sorted by cost.
 */
function expectedCandidates(g: TrackGrid, scorer: SpliceScorer, perBeat: number, allowBarShift: boolean): { kept: Array<Array<[number, number]>>; offered: number[] } {
  const n = g.beats.length;
  const m = g.beatsPerBar;
  const bucket = Math.max(m, Math.ceil(n / 8));
  const offered = new Array<number>(n).fill(0);
  const kept = Array.from({ length: n }, (_, i) => {
    if (barPosition(g, i).pos !== 0) return [];
    const slots = new Map<string, Array<[number, number]>>();
    for (let j = 0; j < n; j++) {
      const shifted = barPosition(g, j).pos !== 0;
      if (Math.abs(i - j) < m || (shifted && !allowBarShift)) continue;
      const slot = `${Math.floor(Math.abs(j - i) / bucket)} ${j > i} ${shifted}`;
      slots.set(slot, [...(slots.get(slot) ?? []), [j, scorer.cost(i, j)]]);
      offered[i]++;
    }
    return [...slots.values()].flatMap((list) => list.sort((a, b) => a[1] - b[1]).slice(0, perBeat)).sort((a, b) => a[1] - b[1]);
  });
  return { kept, offered };
}

describe('scoreSplices keeps the cheapest targets of every slot', () => {
  for (const [perBeat, allowBarShift, n] of [[1, true, 32], [2, true, 32], [1, false, 64]] as const) {
    it(`${perBeat} per slot, bar shifts ${allowBarShift ? 'allowed' : 'not allowed'}, ${n} beats`, () => {
      const g = randomGrid(16 + perBeat, n);
      const scorer = new SpliceScorer(g);
      const got = scoreSplices(g, { perBeat, allowBarShift }, scorer);
      const { kept: want, offered } = expectedCandidates(g, scorer, perBeat, allowBarShift);
      for (let i = 0; i < g.beats.length; i++) {
        expect(Array.from(got.targets[i]), `beat ${i}`).toEqual(want[i].map(([j]) => j));
        want[i].forEach(([, c], x) => expect(got.costs[i][x]).toBeCloseTo(c, 5));
      }
      // Slots had more candidates than they keep (else the rule was not exercised).
      expect(want.filter((w, i) => offered[i] > w.length).length).toBeGreaterThan(4);
    });
  }
});
