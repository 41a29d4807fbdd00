/**
 * The built main.js, run under Node with a stand-in for Electron's API (fake-electron/): what
 * main applies is what security.ts says. Schemes and their privileges, the sandbox, one
 * instance, permission handlers, navigation and new-window refusal, the window's size and
 * webPreferences, both engine utilityProcesses with main's environment, and the media:// and
 * app:// handlers as main installed them (media resolved through the engine, Range answered).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ENTRY, CSP, WEB_PREFERENCES } from '../../../electron/main/security';
import { buildElectron } from '../../../scripts/build-electron';

const ROOT = resolve(import.meta.dirname, '../../..');
// Inside the repo so that main.js finds node_modules (valibot) as it does from dist/.
const out = join(ROOT, '.cache', `electron-main-test-${process.pid}`);
const home = mkdtempSync(join(tmpdir(), 'nd-main-wiring-'));
const AUDIO = resolve(ROOT, '../shared/media/music/Kevin_MacLeod_-_Vibe_Ace.ogg');

interface Report {
  privileged: Array<{ scheme: string; privileges: Record<string, boolean> }>;
  sandbox: boolean;
  singleInstance: boolean;
  protocols: string[];
  ipcOn: string[];
  ipcHandle: string[];
  menus: number;
  forks: Array<{ modulePath: string; serviceName: string; home: string; models: string; version: string }>;
  windows: Array<Record<string, unknown> & { webPreferences: Record<string, unknown> }>;
  loaded: string[];
  permissions: { request: boolean[]; check: boolean[]; device: boolean };
  navigation: Record<string, boolean>;
  windowOpen: Record<string, string>;
  webviewPrevented: boolean;
  external: string[];
  media: { status: number; contentRange: string; body: string };
  page: { status: number; csp: string };
  secondInstance: string[];
}
let report: Report;

beforeAll(async () => {
  await buildElectron(out);
  const appPath = join(home, 'app');
  mkdirSync(join(appPath, 'renderer', 'dist'), { recursive: true });
  writeFileSync(join(appPath, 'renderer', 'dist', 'index.html'), '<!doctype html><title>Needledrop</title>');
  const r = spawnSync(process.execPath, ['--import', join(import.meta.dirname, 'fake-electron', 'register.mjs'), join(out, 'electron', 'main.js')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NEEDLEDROP_HOME: '', FAKE_APP_PATH: appPath, FAKE_USER_DATA: join(home, 'user-data'), FAKE_MEDIA_FILE: AUDIO },
  });
  if (r.status !== 0) throw new Error(`main.js under the fake Electron exited ${r.status}: ${r.stderr}`);
  report = JSON.parse(r.stdout) as Report;
}, 180_000);

afterAll(() => {
  rmSync(out, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('main.js as built', () => {
  it('registers app:// and media:// as standard, secure schemes; media streams', () => {
    const byScheme = Object.fromEntries(report.privileged.map((s) => [s.scheme, s.privileges]));
    expect(byScheme.app).toMatchObject({ standard: true, secure: true, supportFetchAPI: true });
    expect(byScheme.media).toMatchObject({ standard: true, secure: true, supportFetchAPI: true, stream: true });
    expect(report.protocols.sort()).toEqual(['app', 'media']);
  });

  it('sandboxes every renderer and takes the single-instance lock', () => {
    expect(report.sandbox).toBe(true);
    expect(report.singleInstance).toBe(true);
  });

  it('opens one 1280×800 dark window with the webPreferences of security.ts on the app page', () => {
    expect(report.windows).toHaveLength(1);
    const w = report.windows[0];
    expect(w).toMatchObject({ width: 1280, height: 800, backgroundColor: '#121417', show: false });
    expect(w.webPreferences).toEqual({ ...WEB_PREFERENCES, preload: join(out, 'electron', 'preload.cjs') });
    expect(report.loaded).toEqual([APP_ENTRY]);
  });

  it('denies every permission request and check', () => {
    expect(report.permissions.request).toEqual([false, false, false, false]);
    expect(report.permissions.check).toEqual([false, false, false]);
    expect(report.permissions.device).toBe(false);
  });

  it('refuses all navigation, new windows and webviews, and opens nothing in the system browser (review R5.10)', () => {
    expect(report.navigation).toEqual({ 'https://example.org/docs': true, 'file:///etc/passwd': true, 'app://needledrop/other.html': true });
    expect(Object.values(report.windowOpen)).toEqual(['deny', 'deny', 'deny']);
    expect(report.webviewPrevented).toBe(true);
    // The UI has no external link: an http(s) URL a page navigates to or opens is dropped, not handed to the browser.
    expect(report.external).toEqual([]);
  });

  it('starts the engine and the training engine as utilityProcesses with the user data folder and shipped models', () => {
    expect(report.forks.map((f) => f.serviceName)).toEqual(['Needledrop engine', 'Needledrop training engine']);
    for (const f of report.forks) {
      expect(f.modulePath).toBe(join(out, 'electron', 'engine-process.js'));
      expect(f.home).toBe(join(home, 'user-data'));
      expect(f.models).toBe(join(home, 'app', 'models'));
      expect(f.version).toBe('0.1.0-test');
    }
  });

  it('listens on the preload channels only, and sets the menu', () => {
    expect(report.ipcOn).toEqual(['needledrop:engine']);
    expect(report.ipcHandle.sort()).toEqual(['needledrop:open-dialog', 'needledrop:show-in-folder']);
    expect(report.menus).toBe(1);
  });

  it('media:// resolves the id through the engine and answers the Range; app pages carry the CSP', () => {
    expect(report.media.status).toBe(206);
    expect(report.media.contentRange).toMatch(/^bytes 0-3\/\d+$/);
    expect(report.media.body).toBe('OggS');
    expect(report.page).toEqual({ status: 200, csp: CSP });
  });

  it('a second launch restores and focuses the window; closing it saves its bounds in the user data folder', () => {
    expect(report.secondInstance).toEqual(['restore', 'show', 'focus']);
    const saved = JSON.parse(readFileSync(join(home, 'user-data', 'window-state.json'), 'utf8'));
    expect(saved).toEqual({ x: 10, y: 20, width: 1400, height: 900, maximized: false });
  });
});
