/**
 * The key-routing rule (renderer/lib/shortcuts.ts) element kind by element kind. Truths: the HTML
 * input types that take typed text (HTML Living Standard, the input element's type states: text,
 * search, tel, url, email, password, date/time, number) against those that do not (checkbox,
 * radio, range, color, file, the buttons); the WAI-ARIA 1.2 widget roles that take text (textbox,
 * searchbox, combobox, spinbutton), the widget roles activated by Enter/Space, and those the
 * Authoring Practices move with the arrow keys (radio groups, tabs, listbox options, menus, trees,
 * grids, sliders, scrollbars). Element attributes are as written in the markup (any case, spaces).
 */
import { describe, expect, it } from 'vitest';
import { isControl, isShortcut, isShortcutKey, takesText, type KeyTarget } from '../../../renderer/lib/shortcuts';

function el(tagName: string, attrs: Record<string, string> = {}, isContentEditable = false): KeyTarget {
  return { tagName, isContentEditable, getAttribute: (name) => attrs[name] ?? null };
}

/** Which of the screens' keys the shortcuts get with `target` focused. */
const KEYS = ['Enter', ' ', 'Spacebar', 'Backspace', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'j', 'i', 'o', '[', 'z'];
const got = (target: KeyTarget): string[] => KEYS.filter((k) => isShortcutKey(target, k));
const LETTERS = ['j', 'i', 'o', '[', 'z'];
const ARROWS = ['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'];

describe('what takes text', () => {
  it('every text-entry input type, in any case and with spaces around it', () => {
    for (const type of ['text', 'search', 'tel', 'url', 'email', 'password', 'number', 'date', 'time', 'datetime-local', 'month', 'week', ' Email ', 'TEXT']) {
      expect(takesText(el('INPUT', { type })), type).toBe(true);
      expect(got(el('INPUT', { type })), type).toEqual([]);
    }
  });

  it('no input type whose keys are not text, whatever the case; nor a hidden input', () => {
    for (const type of ['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'image', 'color', 'file', 'hidden', 'Color', ' file ', 'RESET']) {
      expect(takesText(el('INPUT', { type })), type).toBe(false);
    }
  });

  it('the ARIA roles that take text (any case, spaces), a contenteditable element, a lower-case tag name', () => {
    for (const role of ['textbox', 'searchbox', 'combobox', 'spinbutton', ' SearchBox ', 'COMBOBOX']) {
      expect(takesText(el('DIV', { role })), role).toBe(true);
      expect(got(el('DIV', { role })), role).toEqual([]);
    }
    expect(takesText(el('SPAN', {}, true))).toBe(true);
    // An element of an XML document (an SVG's) reports its tag name in lower case.
    expect(takesText(el('textarea'))).toBe(true);
    expect(takesText(el('select'))).toBe(true);
    expect(takesText(el('input'))).toBe(true);
  });

  it('no other element: a control, a plain element, a role that is no text field', () => {
    for (const e of [el('BUTTON'), el('DIV'), el('DIV', { role: 'listbox' }), el('DIV', { role: 'text' }), el('A', { href: '#' })]) expect(takesText(e)).toBe(false);
  });
});

describe('which controls keep which keys', () => {
  it('the ARIA widget roles activated by Enter or Space keep Enter, Space (both names) and Backspace, and pass the arrows', () => {
    for (const role of ['button', 'link', 'checkbox', 'switch', ' Button ', 'LINK']) {
      expect(isControl(el('SPAN', { role })), role).toBe(true);
      expect(got(el('SPAN', { role })), role).toEqual([...ARROWS, ...LETTERS]);
    }
  });

  it('the roles moved by arrows keep the arrows too: options, tabs, menus, trees, sliders, scrollbars and their containers', () => {
    for (const role of ['radio', 'tab', 'option', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'treeitem', 'slider', 'scrollbar', 'listbox', 'tablist', 'menu', 'menubar', 'radiogroup', 'tree', 'grid', ' Slider ', 'TAB']) {
      expect(isControl(el('DIV', { role })), role).toBe(true);
      expect(got(el('DIV', { role })), role).toEqual(LETTERS);
    }
  });

  it('an input of a key type is a control; range and radio keep the arrows (any case), the others pass them', () => {
    for (const type of ['range', 'radio', 'RANGE', ' Radio ']) expect(got(el('INPUT', { type })), type).toEqual(LETTERS);
    for (const type of ['checkbox', 'button', 'submit', 'reset', 'image', 'color', 'file']) expect(got(el('INPUT', { type })), type).toEqual([...ARROWS, ...LETTERS]);
  });

  it('a button, a summary and a link with an href are controls, written in either case; a link without an href is not', () => {
    for (const e of [el('BUTTON'), el('button'), el('SUMMARY'), el('summary'), el('A', { href: '' }), el('a', { href: '/x' })]) {
      expect(isControl(e), e.tagName).toBe(true);
      expect(got(e), e.tagName).toEqual([...ARROWS, ...LETTERS]);
    }
    expect(isControl(el('A'))).toBe(false);
    expect(got(el('A'))).toEqual(KEYS);
  });

  it('an element that is no control passes every key, whatever its role', () => {
    // An SVG <use href> is no link: only an <a> with an href is.
    for (const e of [el('DIV'), el('DIV', { role: 'region' }), el('DIV', { role: 'img' }), el('LI', { role: 'listitem' }), el('CANVAS'), el('use', { href: '#icon' })]) {
      expect(isControl(e), e.tagName).toBe(false);
      expect(got(e)).toEqual(KEYS);
    }
  });

  it('data-shortcut-keys: "arrows" makes any control keep the arrows, "pass" any control pass every key; neither applies to a text field', () => {
    expect(got(el('BUTTON', { 'data-shortcut-keys': 'arrows' }))).toEqual(LETTERS);
    expect(got(el('A', { href: '#', 'data-shortcut-keys': 'arrows' }))).toEqual(LETTERS);
    expect(got(el('DIV', { role: 'slider', 'data-shortcut-keys': 'pass' }))).toEqual(KEYS);
    expect(got(el('INPUT', { type: 'range', 'data-shortcut-keys': 'pass' }))).toEqual(KEYS);
    expect(got(el('INPUT', { type: 'text', 'data-shortcut-keys': 'pass' }))).toEqual([]);
    // Another value is no marking.
    expect(got(el('BUTTON', { 'data-shortcut-keys': 'other' }))).toEqual([...ARROWS, ...LETTERS]);
  });
});

describe('isShortcut: a key event', () => {
  it('routes by its target when that is an element, and by nothing focused when it is not (the window)', () => {
    // Node has no DOM: a stand-in Element class for the instanceof test, removed afterwards.
    class StandIn implements KeyTarget {
      constructor(readonly tagName: string) {}
      getAttribute(): string | null {
        return null;
      }
    }
    const g = globalThis as { Element?: unknown };
    const before = g.Element;
    g.Element = StandIn;
    try {
      const event = (target: unknown, key: string) => ({ target, key }) as unknown as KeyboardEvent;
      expect(isShortcut(event(new StandIn('BUTTON'), 'Enter'))).toBe(false);
      expect(isShortcut(event(new StandIn('BUTTON'), 'j'))).toBe(true);
      expect(isShortcut(event(new StandIn('TEXTAREA'), 'j'))).toBe(false);
      expect(isShortcut(event({ tagName: 'TEXTAREA', getAttribute: () => null }, 'j'))).toBe(true);
      expect(isShortcut(event(null, 'Enter'))).toBe(true);
    } finally {
      g.Element = before;
    }
  });
});
