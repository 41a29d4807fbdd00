/**
 * The key-routing rule of the app's screens (renderer/lib/shortcuts.ts, review R2.2): a focused
 * control keeps the keys it acts on, a text field every key, the page none. Elements are built
 * from their HTML attributes as the browser reports them (tagName upper case, attributes as written).
 */
import { describe, expect, it } from 'vitest';
import { isShortcutKey, takesText, type KeyTarget } from '../../../renderer/lib/shortcuts';

function el(tagName: string, attrs: Record<string, string> = {}, isContentEditable = false): KeyTarget {
  return { tagName: tagName.toUpperCase(), isContentEditable, getAttribute: (name) => attrs[name] ?? null };
}

const SCREEN_KEYS = [' ', 'Enter', 'Backspace', 'j', 'k', 'l', 'i', 'o', '[', ']', 'ArrowUp', 'ArrowDown', 'z'];
const shortcutsOn = (target: KeyTarget | null): string[] => SCREEN_KEYS.filter((k) => isShortcutKey(target, k));

describe('which keys the shortcuts get', () => {
  it('every key when the page itself has the focus, or an element that is no control', () => {
    expect(shortcutsOn(null)).toEqual(SCREEN_KEYS);
    expect(shortcutsOn(el('body'))).toEqual(SCREEN_KEYS);
    expect(shortcutsOn(el('div', { role: 'region' }))).toEqual(SCREEN_KEYS);
    expect(shortcutsOn(el('video'))).toEqual(SCREEN_KEYS);
  });

  it('none in a field that takes text', () => {
    for (const f of [el('input'), el('input', { type: 'search' }), el('input', { type: 'NUMBER' }), el('textarea'), el('select'), el('div', {}, true), el('div', { role: 'textbox' }), el('input', { type: 'made-up' })]) {
      expect(takesText(f)).toBe(true);
      expect(shortcutsOn(f)).toEqual([]);
    }
  });

  it('a button keeps Enter, Space and Backspace (the "+ beat" of the review), and passes letters, brackets and ↑/↓', () => {
    const others = SCREEN_KEYS.filter((k) => ![' ', 'Enter', 'Backspace'].includes(k));
    for (const c of [el('button'), el('a', { href: '#x' }), el('summary'), el('input', { type: 'checkbox' }), el('input', { type: 'submit' }), el('div', { role: 'button' }), el('span', { role: 'switch' }), el('div', { role: 'link' })]) {
      expect(takesText(c)).toBe(false);
      expect(shortcutsOn(c)).toEqual(others);
    }
  });

  it('a control moved by arrows keeps the arrows too: range, radio, slider, option, tab, a splice handle', () => {
    const others = ['j', 'k', 'l', 'i', 'o', '[', ']', 'z'];
    for (const c of [el('input', { type: 'range' }), el('input', { type: 'radio' }), el('circle', { role: 'slider' }), el('div', { role: 'option' }), el('button', { role: 'tab' }), el('button', { 'data-shortcut-keys': 'arrows' })]) {
      expect(shortcutsOn(c)).toEqual(others);
      expect(isShortcutKey(c, 'ArrowLeft')).toBe(false);
    }
  });

  it('a link without href is no control; a control marked "pass" (the chosen track’s row) hands every key on', () => {
    expect(shortcutsOn(el('a'))).toEqual(SCREEN_KEYS);
    expect(shortcutsOn(el('button', { 'data-shortcut-keys': 'pass' }))).toEqual(SCREEN_KEYS);
  });
});
