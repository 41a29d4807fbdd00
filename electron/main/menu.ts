/**
 * The native menus, listing the app's keyboard shortcuts. The renderer owns what a shortcut does
 * (one place for keyboard handling, the same in the browser): a menu item replays its keystroke
 * into the page. Shortcuts are shown but not registered with the system (registerAccelerator
 * false), so a keystroke reaches the page directly and typing in a text field is never stolen;
 * single-key ones (Space, J/K/L, I/O, Enter, Backspace) only appear in their labels.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** A keystroke to replay into the page (Electron's sendInputEvent fields). */
export interface KeyPress {
  keyCode: string;
  modifiers: Array<'control' | 'meta' | 'shift'>;
}

export interface MenuActions {
  /** Replay a keystroke into the focused window's page. */
  press(key: KeyPress): void;
  /** Pick a music folder and add it to the library. */
  addFolder(): void;
}

export const SCREEN_SHORTCUTS = [
  ['Library', '1'],
  ['Match', '2'],
  ['Explore', '3'],
  ['Train', '4'],
  ['Settings', '5'],
] as const;

/** Single-key shortcuts of the Match screen, as labels. */
export const PLAYER_KEYS = [
  ['Play / pause', 'Space'],
  ['Back', 'J'],
  ['Pause', 'K'],
  ['Forward', 'L'],
  ['Mark in', 'I'],
  ['Mark out', 'O'],
  ['Accept track', 'Enter'],
  ['Reject track', 'Backspace'],
] as const;

export function menuTemplate(platform: NodeJS.Platform, actions: MenuActions, dev = false): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const mod: KeyPress['modifiers'] = [mac ? 'meta' : 'control'];
  const shortcut = (label: string, key: string, extra: Partial<MenuItemConstructorOptions> = {}): MenuItemConstructorOptions => ({
    label,
    accelerator: `CmdOrCtrl+${key}`,
    registerAccelerator: false,
    click: () => actions.press({ keyCode: key, modifiers: mod }),
    ...extra,
  });
  const keyItem = ([label, key]: readonly [string, string]): MenuItemConstructorOptions => ({
    label: `${label}\t${key}`,
    click: () => actions.press({ keyCode: key, modifiers: [] }),
  });

  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        shortcut('Open clip…', 'O'),
        { label: 'Add music folder…', click: () => actions.addFolder() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        ...SCREEN_SHORTCUTS.map(([label, key]) => shortcut(label, key)),
        { type: 'separator' },
        shortcut('Search tracks', 'F'),
        { type: 'separator' },
        // Page zoom by keyboard comes only from these roles once the app sets its own menu (review R6.11).
        // zoomIn's own accelerator is Ctrl+Plus (Shift+= on most layouts): a hidden twin takes Ctrl+= too.
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomIn', accelerator: 'CommandOrControl+=', visible: false },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(dev ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
    { label: '&Playback', submenu: PLAYER_KEYS.map(keyItem) },
    { role: 'windowMenu' },
  ];
}
