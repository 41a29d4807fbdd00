/**
 * An undo/redo history of immutable states (the Match screen's fit plan edits, review R2.8): `done`
 * runs from the first state to the one shown; `undone` holds what undo took back, the next redo
 * first. A new edit after an undo drops `undone`, as editors do.
 */
export interface EditHistory<T> {
  readonly done: readonly T[];
  readonly undone: readonly T[];
}

/** No state yet (no fit). */
export const emptyHistory = <T>(): EditHistory<T> => ({ done: [], undone: [] });

/** A history starting at `first` (the planned plan), which undo never takes back. */
export const historyFrom = <T>(first: T): EditHistory<T> => ({ done: [first], undone: [] });

/** The state shown, or null for an empty history. */
export const currentState = <T>(h: EditHistory<T>): T | null => (h.done.length ? h.done[h.done.length - 1] : null);

/** After an edit to `next`: it is shown, and nothing is left to redo. */
export const edited = <T>(h: EditHistory<T>, next: T): EditHistory<T> => ({ done: [...h.done, next], undone: [] });

/** How many edits undo can take back (never the first state). */
export const undoCount = <T>(h: EditHistory<T>): number => Math.max(0, h.done.length - 1);

/** How many undone edits redo can bring back. */
export const redoCount = <T>(h: EditHistory<T>): number => h.undone.length;

/** The last edit taken back (unchanged when there is none). */
export function undo<T>(h: EditHistory<T>): EditHistory<T> {
  if (h.done.length < 2) return h;
  return { done: h.done.slice(0, -1), undone: [h.done[h.done.length - 1], ...h.undone] };
}

/** The last undone edit brought back (unchanged when there is none). */
export function redo<T>(h: EditHistory<T>): EditHistory<T> {
  if (h.undone.length === 0) return h;
  return { done: [...h.done, h.undone[0]], undone: h.undone.slice(1) };
}

/** Which history key a keydown asks for: Ctrl/⌘+Z undo; Ctrl/⌘+Shift+Z and Ctrl/⌘+Y redo. */
export function historyKey(e: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): 'undo' | 'redo' | null {
  if (!(e.ctrlKey || e.metaKey) || e.altKey) return null;
  const k = e.key.toLowerCase();
  if (k === 'z') return e.shiftKey ? 'redo' : 'undo';
  if (k === 'y' && !e.shiftKey) return 'redo';
  return null;
}
