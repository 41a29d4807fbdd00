/** The shell's small parts: remembered window state, the menu's shortcuts, unpacked ffmpeg paths. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, describe, expect, it } from 'vitest';
import { menuTemplate, type KeyPress } from '../../../electron/main/menu';
import { packagedTools, unpackedPath } from '../../../electron/main/packaged-tools';
import { DEFAULT_WINDOW, loadWindowState, placeOnScreen, saveWindowState } from '../../../electron/main/window-state';

const dir = mkdtempSync(join(tmpdir(), 'nd-shell-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('window state', () => {
  it('defaults to 1280×800, not maximised, when nothing was saved', () => {
    expect(loadWindowState(join(dir, 'none.json'))).toEqual({ width: 1280, height: 800, maximized: false });
    expect(DEFAULT_WINDOW).toEqual({ width: 1280, height: 800, maximized: false });
  });

  it('what was saved comes back', () => {
    const file = join(dir, 'sub', 'window-state.json');
    saveWindowState(file, { x: 40, y: 60, width: 1500, height: 900, maximized: true });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 40, y: 60, width: 1500, height: 900, maximized: true });
    expect(loadWindowState(file)).toEqual({ x: 40, y: 60, width: 1500, height: 900, maximized: true });
  });

  it('a damaged or hostile file gives the default or a sane size', () => {
    const file = join(dir, 'bad.json');
    for (const text of ['{', '[]', 'null', '{"width":"big","height":800}', '{"width":1e400,"height":800}']) {
      writeFileSync(file, text);
      expect(loadWindowState(file), text).toEqual(DEFAULT_WINDOW);
    }
    writeFileSync(file, '{"width":10,"height":99999999,"x":1.5,"y":3}');
    expect(loadWindowState(file)).toEqual({ width: 900, height: 16384, maximized: false });
  });

  it('a position on a screen that is gone is dropped (the window is centred instead)', () => {
    const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    const s = { x: 2500, y: 100, width: 1280, height: 800, maximized: false };
    expect(placeOnScreen(s, screens)).toEqual({ width: 1280, height: 800, maximized: false });
    expect(placeOnScreen({ ...s, x: 100 }, screens)).toEqual({ ...s, x: 100 });
    expect(placeOnScreen({ ...s, x: 2500 }, [...screens, { x: 1920, y: 0, width: 2560, height: 1440 }])).toEqual(s);
    expect(placeOnScreen({ ...s, x: 100, y: -500 }, screens)).toEqual({ width: 1280, height: 800, maximized: false });
  });
});

describe('menu', () => {
  const pressed: KeyPress[] = [];
  let added = 0;
  const items = (platform: NodeJS.Platform): MenuItemConstructorOptions[] =>
    menuTemplate(platform, { press: (k) => pressed.push(k), addFolder: () => (added += 1) }).flatMap((m) => (Array.isArray(m.submenu) ? m.submenu : []));
  const byLabel = (list: MenuItemConstructorOptions[], label: string) => list.find((i) => i.label === label || i.label?.startsWith(`${label}\t`));
  const click = (item: MenuItemConstructorOptions | undefined): void => (item?.click as unknown as () => void)();

  it('lists the app shortcuts, shown but not registered (keystrokes reach the page itself)', () => {
    const linux = items('linux');
    const expected: Record<string, string> = { 'Open clip…': 'CmdOrCtrl+O', 'Search tracks': 'CmdOrCtrl+F', Library: 'CmdOrCtrl+1', Match: 'CmdOrCtrl+2', Explore: 'CmdOrCtrl+3', Train: 'CmdOrCtrl+4', Settings: 'CmdOrCtrl+5' };
    for (const [label, accelerator] of Object.entries(expected)) {
      const item = byLabel(linux, label);
      expect(item?.accelerator, label).toBe(accelerator);
      expect(item?.registerAccelerator, label).toBe(false);
    }
    for (const [label, key] of [['Play / pause', 'Space'], ['Mark in', 'I'], ['Mark out', 'O'], ['Accept track', 'Enter'], ['Reject track', 'Backspace'], ['Back', 'J'], ['Pause', 'K'], ['Forward', 'L']]) {
      const item = byLabel(linux, label);
      expect(item?.label, label).toBe(`${label}\t${key}`);
      expect(item?.accelerator, label).toBeUndefined();
    }
  });

  it('a menu item replays its keystroke into the page, with ⌘ on macOS and Ctrl elsewhere', () => {
    pressed.length = 0;
    click(byLabel(items('linux'), 'Open clip…'));
    click(byLabel(items('darwin'), 'Open clip…'));
    click(byLabel(items('win32'), 'Mark in'));
    expect(pressed).toEqual([
      { keyCode: 'O', modifiers: ['control'] },
      { keyCode: 'O', modifiers: ['meta'] },
      { keyCode: 'I', modifiers: [] },
    ]);
    click(byLabel(items('linux'), 'Add music folder…'));
    expect(added).toBe(1);
  });

  it('the View menu zooms the page: Ctrl+0 / Ctrl+Plus (and Ctrl+=) / Ctrl+-, as Electron gives only through these roles (review R6.11)', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const view = menuTemplate(platform, { press: () => {}, addFolder: () => {} }).find((m) => m.label === '&View');
      const roles = (Array.isArray(view?.submenu) ? view.submenu : []).map((i) => i.role).filter(Boolean);
      for (const role of ['resetZoom', 'zoomIn', 'zoomOut']) expect(roles, `${platform} ${role}`).toContain(role);
      // Ctrl+= is the unshifted Plus key: zoomIn's default accelerator (Plus) needs Shift on most layouts.
      const zoomIns = (Array.isArray(view?.submenu) ? view.submenu : []).filter((i) => i.role === 'zoomIn');
      expect(zoomIns.some((i) => i.accelerator === 'CommandOrControl+=')).toBe(true);
      // None of the app's own shortcuts takes these keys.
      for (const i of Array.isArray(view?.submenu) ? view.submenu : []) expect(['CmdOrCtrl+0', 'CmdOrCtrl+=', 'CmdOrCtrl+-', 'CmdOrCtrl+Plus']).not.toContain(i.accelerator);
    }
  });
});

describe('ffmpeg in a packaged app', () => {
  it('paths inside app.asar move to app.asar.unpacked, nothing else changes', () => {
    expect(unpackedPath('/opt/Needledrop/resources/app.asar/node_modules/ffmpeg-static/ffmpeg')).toBe('/opt/Needledrop/resources/app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg');
    expect(unpackedPath('C:\\Program Files\\Needledrop\\resources\\app.asar\\node_modules\\@ffmpeg-installer\\win32-x64\\ffmpeg.exe')).toBe(
      'C:\\Program Files\\Needledrop\\resources\\app.asar.unpacked\\node_modules\\@ffmpeg-installer\\win32-x64\\ffmpeg.exe',
    );
    expect(unpackedPath('/x/resources/app.asar.unpacked/node_modules/a')).toBe('/x/resources/app.asar.unpacked/node_modules/a');
    expect(unpackedPath('/home/u/myapp.asar/ffmpeg')).toBe('/home/u/myapp.asar/ffmpeg');
    expect(unpackedPath('/repo/node_modules/ffmpeg-static/ffmpeg')).toBe('/repo/node_modules/ffmpeg-static/ffmpeg');
  });

  it('names only binaries that exist, ffprobe from its installer package', () => {
    expect(packagedTools(() => false)).toEqual({});
    const tools = packagedTools((p) => p.includes('installer'));
    expect(tools.ffmpeg).toMatch(/@ffmpeg-installer[\\/].*ffmpeg(\.exe)?$/);
    expect(tools.ffprobe).toMatch(/@ffprobe-installer[\\/].*ffprobe(\.exe)?$/);
  });
});
