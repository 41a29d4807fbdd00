/** Which screen shows, and requests one screen makes of another (Ctrl+F → search box, …). */
export const SCREENS = ['library', 'match', 'explore', 'train', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

export const nav = $state<{ screen: Screen; focusSearch: number; openClip: number }>({ screen: 'library', focusSearch: 0, openClip: 0 });

/** Keys typed into a field belong to the field, not to the shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'range', 'button'].includes(target.type);
}
