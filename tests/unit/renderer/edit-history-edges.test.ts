/**
 * The edit history's edges (renderer/lib/edit-history.ts): the counts of an empty or one-state
 * history, a history left untouched by a step that cannot be taken, and the key combinations an
 * editor does not read as undo or redo. Truths from the rule as stated (undo never takes back the
 * first state; Ctrl/⌘+Z undoes, Ctrl/⌘+Shift+Z and Ctrl/⌘+Y redo, Alt makes none of them) and the
 * sequence of states each test builds.
 */
import { describe, expect, it } from 'vitest';
import { currentState, edited, emptyHistory, historyFrom, historyKey, redo, redoCount, undo, undoCount } from '../../../renderer/lib/edit-history';

describe('edit history edges', () => {
  it('an empty history: nothing to undo or redo, no state', () => {
    const h = emptyHistory<number>();
    expect([undoCount(h), redoCount(h), currentState(h)]).toEqual([0, 0, null]);
    expect(h).toEqual({ done: [], undone: [] });
  });

  it('one state: shown, and undo leaves it (the same object back)', () => {
    const h = historyFrom(0);
    expect([undoCount(h), redoCount(h), currentState(h)]).toEqual([0, 0, 0]);
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
  });

  it('a state that is falsy (0, empty text) is still the state shown', () => {
    expect(currentState(historyFrom(''))).toBe('');
    expect(currentState(edited(historyFrom(1), 0))).toBe(0);
  });

  it('two edits undone, in order: redo brings back the earlier first', () => {
    let h = edited(edited(historyFrom('p'), 'a'), 'b');
    h = undo(undo(h));
    expect(h).toEqual({ done: ['p'], undone: ['a', 'b'] });
    h = redo(h);
    expect(h).toEqual({ done: ['p', 'a'], undone: ['b'] });
    expect([undoCount(h), redoCount(h)]).toEqual([1, 1]);
  });

  it('an edit does not change the history it was made from', () => {
    const h = edited(historyFrom('p'), 'a');
    const u = undo(h);
    expect(h).toEqual({ done: ['p', 'a'], undone: [] });
    edited(u, 'c');
    expect(u).toEqual({ done: ['p'], undone: ['a'] });
  });

  it('keys: Ctrl/⌘+Shift+Y, Alt with either, and other letters are no history key', () => {
    const k = (key: string, mods: { ctrlKey?: boolean; metaKey?: boolean; shiftKey?: boolean; altKey?: boolean } = {}) =>
      historyKey({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
    expect(k('Y', { ctrlKey: true, shiftKey: true })).toBeNull();
    expect(k('y', { metaKey: true, shiftKey: true })).toBeNull();
    expect(k('Y', { metaKey: true })).toBe('redo');
    expect(k('Z', { metaKey: true })).toBe('undo');
    expect(k('y', { metaKey: true, altKey: true })).toBeNull();
    expect(k('z', { metaKey: true, altKey: true, shiftKey: true })).toBeNull();
    expect(k('x', { ctrlKey: true })).toBeNull();
    expect(k('Z', { shiftKey: true })).toBeNull();
  });
});
