/**
 * Accept / Reject on the Match screen while the engine answers late (review R3.5): a judgement in
 * flight shows as saving and a repeated key for it is ignored; a reject moves the selection to the
 * next row only if the judged track is still the one selected when the engine answers. The screen
 * supplies its state through `VerdictScreen`; `pending` is its reactive record, mutated here.
 */

export type Verdict = 'accept' | 'reject';

/** A row of the ranking shown. */
export interface JudgedRow {
  rank: number;
  track: { id: number };
}

export interface VerdictScreen<R extends JudgedRow> {
  /** The judgements sent and not answered yet, by `key`: what each will store ('withdraw': taken back). */
  pending: Record<string, Verdict | 'withdraw'>;
  /** The row selected now (read again when the engine answers: the user may have chosen another). */
  selected(): R | null;
  /** The rows of the ranking shown now. */
  rows(): readonly R[];
  /** Whether track `id` is rejected under the range shown. */
  rejected(id: number): boolean;
  choose(row: R): void;
}

export interface Judgement<R extends JudgedRow> {
  /** The row judged: the one selected when the key was pressed. */
  row: R;
  /** What is stored: a verdict, or the one it has taken back. */
  verdict: Verdict | 'withdraw';
  /** This judgement's key (clip × range × track): one in flight per key. */
  key: string;
  /** Sends it to the engine. */
  send(): Promise<unknown>;
  /** Whether the clip and ranking it was given on are still shown (an answer for another is dropped, review R2.5). */
  still(): boolean;
  /** Marks it on the screen once the engine has stored it. */
  stored(): void;
}

/**
 * Send a judgement; false when one for the same key is still in flight (the key press is ignored)
 * or its answer came for a clip or ranking no longer shown. Errors are the caller's.
 */
export async function judge<R extends JudgedRow>(screen: VerdictScreen<R>, j: Judgement<R>): Promise<boolean> {
  if (screen.pending[j.key] !== undefined) return false;
  screen.pending[j.key] = j.verdict;
  try {
    await j.send();
    if (!j.still()) return false;
    j.stored();
    // On to the next row not rejected, from the judged one, only if the user is still on it: a row
    // clicked meanwhile stays chosen (the next key would judge a track never looked at).
    if (j.verdict === 'reject' && screen.selected()?.track.id === j.row.track.id) {
      const next = screen.rows().find((r) => r.rank > j.row.rank && !screen.rejected(r.track.id));
      if (next) screen.choose(next);
    }
    return true;
  } finally {
    delete screen.pending[j.key];
  }
}
