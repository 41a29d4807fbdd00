/**
 * Which keys a screen's shortcuts may take, and which belong to the focused element (review R2.2:
 * Enter on a focused "+ beat" recorded an Accept for the chosen track, and the button never ran).
 *
 * - A text field (input that takes text, textarea, select, contenteditable, role textbox…) keeps
 *   every key.
 * - A control (button, link, checkbox, radio, role button/option/tab/…) keeps Enter and Space (its
 *   own activation) and Backspace (which otherwise records a verdict about a track other than the
 *   focused control may show); a control moved by arrows (range, radio, slider, option, tab, or one
 *   marked `data-shortcut-keys="arrows"`, the fit timeline's splice handles) keeps the arrows too.
 *   Other keys (J/K/L, I/O, [/], Ctrl+Z) remain shortcuts.
 * - A control marked `data-shortcut-keys="pass"` hands every key to the shortcuts: the chosen
 *   track's row, whose own action (choose this track) would change nothing.
 *
 * Pure over a minimal element so it is tested without a DOM (tests/unit/renderer/shortcuts.test.ts).
 */

/** What the rule reads of the focused element (an `Element` has all of it). */
export interface KeyTarget {
  readonly tagName: string;
  readonly isContentEditable?: boolean;
  getAttribute(name: string): string | null;
}

/** Inputs whose keys are not text. */
const KEY_INPUTS = new Set(['checkbox', 'radio', 'range', 'button', 'submit', 'reset', 'image', 'color', 'file']);
const TEXT_ROLES = new Set(['textbox', 'searchbox', 'combobox', 'spinbutton']);
const CONTROL_ROLES = new Set(['button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'option', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'treeitem', 'slider', 'scrollbar']);
const ARROW_ROLES = new Set(['radio', 'tab', 'option', 'menuitem', 'menuitemcheckbox', 'menuitemradio', 'treeitem', 'slider', 'scrollbar', 'listbox', 'tablist', 'menu', 'menubar', 'radiogroup', 'tree', 'grid']);
/** The keys that activate a control (or, as shortcuts, record a verdict or play). */
const CONTROL_KEYS = new Set(['Enter', ' ', 'Spacebar', 'Backspace']);
const ARROWS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight']);

const tag = (el: KeyTarget): string => el.tagName.toUpperCase();
const role = (el: KeyTarget): string => (el.getAttribute('role') ?? '').trim().toLowerCase();
const inputType = (el: KeyTarget): string => (el.getAttribute('type') ?? 'text').trim().toLowerCase();

/** Keys typed into a field belong to the field. */
export function takesText(el: KeyTarget): boolean {
  if (el.isContentEditable) return true;
  const t = tag(el);
  if (t === 'TEXTAREA' || t === 'SELECT') return true;
  if (t === 'INPUT') return inputType(el) !== 'hidden' && !KEY_INPUTS.has(inputType(el));
  return TEXT_ROLES.has(role(el));
}

/** A control that acts on a key of its own (a button, a link, a checkbox…). */
export function isControl(el: KeyTarget): boolean {
  const t = tag(el);
  if (t === 'BUTTON' || t === 'SUMMARY' || t === 'INPUT') return true;
  if (t === 'A' && el.getAttribute('href') !== null) return true;
  return CONTROL_ROLES.has(role(el)) || ARROW_ROLES.has(role(el));
}

function ownsArrows(el: KeyTarget): boolean {
  if (el.getAttribute('data-shortcut-keys') === 'arrows') return true;
  if (tag(el) === 'INPUT') return inputType(el) === 'range' || inputType(el) === 'radio';
  return ARROW_ROLES.has(role(el));
}

/** Whether a screen's shortcut may act on `key` pressed with `el` focused (null: nothing focused). */
export function isShortcutKey(el: KeyTarget | null, key: string): boolean {
  if (!el) return true;
  if (takesText(el)) return false;
  if (!isControl(el) || el.getAttribute('data-shortcut-keys') === 'pass') return true;
  if (CONTROL_KEYS.has(key)) return false;
  return !(ARROWS.has(key) && ownsArrows(el));
}

/** The same for a key event: its target is the focused element (the body when nothing is). */
export const isShortcut = (e: KeyboardEvent): boolean => isShortcutKey(e.target instanceof Element ? e.target : null, e.key);
