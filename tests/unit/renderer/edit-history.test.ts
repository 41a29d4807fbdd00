/**
 * The fit panel's undo/redo history (review R2.8: an undone splice move was lost, there was no
 * redo). States are plain labels; what each step must show follows from the sequence itself.
 */
import { describe, expect, it } from 'vitest';
import { currentState, edited, emptyHistory, historyFrom, historyKey, redo, redoCount, undo, undoCount } from '../../../renderer/lib/edit-history';

describe('edit history', () => {
  it('undo, redo, and a new edit clears redo', () => {
    let h = historyFrom('planned');
    h = edited(h, 'a');
    h = edited(h, 'b');
    expect([currentState(h), undoCount(h), redoCount(h)]).toEqual(['b', 2, 0]);
    h = undo(h);
    expect([currentState(h), undoCount(h), redoCount(h)]).toEqual(['a', 1, 1]);
    h = undo(h);
    expect([currentState(h), undoCount(h), redoCount(h)]).toEqual(['planned', 0, 2]);
    // The planned state is never taken back.
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(currentState(h)).toBe('a');
    h = redo(h);
    expect([currentState(h), redoCount(h)]).toEqual(['b', 0]);
    expect(redo(h)).toBe(h);
    // Back to 'a', then a different edit: 'b' can no longer be redone.
    h = edited(undo(h), 'c');
    expect([currentState(h), undoCount(h), redoCount(h)]).toEqual(['c', 2, 0]);
    expect(currentState(redo(h))).toBe('c');
    expect(h.done).toEqual(['planned', 'a', 'c']);
  });

  it('an empty history shows nothing and ignores undo and redo', () => {
    const h = emptyHistory<string>();
    expect(currentState(h)).toBeNull();
    expect(undo(h)).toBe(h);
    expect(redo(h)).toBe(h);
  });

  it('keys: Ctrl/⌘+Z undoes; Ctrl/⌘+Shift+Z and Ctrl+Y redo', () => {
    const k = (key: string, mods: { ctrlKey?: boolean; metaKey?: boolean; shiftKey?: boolean; altKey?: boolean } = {}) =>
      historyKey({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });
    expect(k('z', { ctrlKey: true })).toBe('undo');
    expect(k('z', { metaKey: true })).toBe('undo');
    expect(k('Z', { ctrlKey: true, shiftKey: true })).toBe('redo');
    expect(k('z', { metaKey: true, shiftKey: true })).toBe('redo');
    expect(k('y', { ctrlKey: true })).toBe('redo');
    expect(k('z')).toBeNull();
    expect(k('y')).toBeNull();
    expect(k('z', { ctrlKey: true, altKey: true })).toBeNull();
  });
});
