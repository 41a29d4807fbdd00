/**
 * Accept / Reject with an engine that answers late (review R3.5): the Match screen's judging, driven
 * as Match.svelte drives it, over a ranking of three tracks and an api whose feedback.record replies
 * only when the test lets it. Under load the review saw a reject answered after the user had clicked
 * another row move the selection on from that row, so the next Enter accepted a track never chosen.
 */
import { describe, expect, it } from 'vitest';
import { judge, type JudgedRow, type Verdict, type VerdictScreen } from '../../../renderer/lib/verdicts';

type Row = JudgedRow & { name: string };

/** The screen: a selection the test clicks, the verdicts stored, and an engine whose answers wait to be let go. */
function screen() {
  const rows: Row[] = [1, 2, 3].map((rank) => ({ rank, track: { id: 10 * rank }, name: ['Sugar Plum', 'Sweet waltz', 'Hungarian Dance'][rank - 1] }));
  let selectedRank = 1;
  const verdicts = new Map<number, Verdict>();
  /** What the engine stored, in order. */
  const recorded: Array<[string, Verdict]> = [];
  const waiting: Array<() => void> = [];
  const s: VerdictScreen<Row> = {
    pending: {},
    selected: () => rows.find((r) => r.rank === selectedRank) ?? null,
    rows: () => rows,
    rejected: (id) => verdicts.get(id) === 'reject',
    choose: (r) => (selectedRank = r.rank),
  };
  /** A key press: judges the row selected now, as Match.svelte's verdict() does. */
  const press = (v: Verdict): Promise<boolean> => {
    const row = s.selected()!;
    return judge(s, {
      row,
      verdict: v,
      key: `clip.mp4|0|10|${row.track.id}`,
      // feedback.record: the engine stores it at once, its reply comes when let go.
      send: () =>
        new Promise<void>((resolve) => {
          recorded.push([row.name, v]);
          waiting.push(resolve);
        }),
      still: () => true,
      stored: () => verdicts.set(row.track.id, v),
    });
  };
  return {
    s,
    press,
    click: (rank: number) => (selectedRank = rank),
    chosen: () => s.selected()!.name,
    recorded,
    /** Let the engine's replies through; resolves once the screen has handled them. */
    answer: async (...presses: Array<Promise<boolean>>) => {
      waiting.splice(0).forEach((r) => r());
      return Promise.all(presses);
    },
  };
}

describe('verdicts with an engine that answers late (review R3.5)', () => {
  it('a row clicked while a reject is in flight stays chosen, and the next Enter judges it', async () => {
    const m = screen();
    const reject = m.press('reject');
    expect(m.s.pending).toEqual({ 'clip.mp4|0|10|10': 'reject' }); // "saving…"
    m.click(2);
    expect(await m.answer(reject)).toEqual([true]);
    expect(m.chosen()).toBe('Sweet waltz');
    const accept = m.press('accept');
    await m.answer(accept);
    // Nothing for Hungarian Dance: the user never chose it.
    expect(m.recorded).toEqual([
      ['Sugar Plum', 'reject'],
      ['Sweet waltz', 'accept'],
    ]);
    expect(m.s.pending).toEqual({});
  });

  it('a key pressed again while its track is saving is ignored, not sent twice', async () => {
    const m = screen();
    const first = m.press('reject');
    const again = m.press('reject');
    expect(m.recorded).toHaveLength(1);
    expect(await m.answer(first, again)).toEqual([true, false]);
    // One reject, one move to the next row.
    expect(m.chosen()).toBe('Sweet waltz');
    expect(m.recorded).toEqual([['Sugar Plum', 'reject']]);
  });

  it('answered in time, a reject moves on to the next row not rejected (as before)', async () => {
    const m = screen();
    m.click(2);
    await m.answer(m.press('reject'));
    m.click(1);
    await m.answer(m.press('reject'));
    expect(m.chosen()).toBe('Hungarian Dance');
    // An accept does not move.
    await m.answer(m.press('accept'));
    expect(m.chosen()).toBe('Hungarian Dance');
  });

  it('a failed send frees the track for another try', async () => {
    const m = screen();
    const failing = judge(m.s, { row: m.s.selected()!, verdict: 'reject', key: 'k', send: () => Promise.reject(new Error('engine down')), still: () => true, stored: () => {} });
    await expect(failing).rejects.toThrow('engine down');
    expect(m.s.pending).toEqual({});
    expect(m.chosen()).toBe('Sugar Plum');
  });
});
