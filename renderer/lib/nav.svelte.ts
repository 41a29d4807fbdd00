import { takesText } from './shortcuts';

/** Which screen shows, and requests one screen makes of another (Ctrl+F → search box, …). */
export const SCREENS = ['library', 'match', 'explore', 'train', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

export const nav = $state<{ screen: Screen; focusSearch: number; openClip: number }>({ screen: 'library', focusSearch: 0, openClip: 0 });

/** Keys typed into a field belong to the field, not to the shortcuts (the rule: lib/shortcuts.ts). */
export const isTyping = (target: EventTarget | null): boolean => target instanceof Element && takesText(target);
