/**
 * Every security setting of the shell in one place, as plain data and pure functions, so the
 * tests read exactly what main.ts applies (Electron's security checklist:
 * https://www.electronjs.org/docs/latest/tutorial/security). No Electron import at run time.
 */
import type { WebContents, WebPreferences } from 'electron';

/** The app's pages are served from this scheme (not file://: a real origin, CSP as a header). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'needledrop';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;
/** Catalog tracks and opened clips, by id: media://track/<id>, media://clip/<id>. */
export const MEDIA_SCHEME = 'media';

/** The renderer's webPreferences, apart from the preload path (known only at run time). */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  // A file dropped outside a drop zone must not navigate the window to it.
  navigateOnDragDrop: false,
  safeDialogs: true,
  spellcheck: false,
} as const satisfies WebPreferences;

export function windowPreferences(preload: string): WebPreferences {
  return { ...WEB_PREFERENCES, preload };
}

/**
 * The Content-Security-Policy sent as a header with every app page: scripts and styles only from
 * the app itself, media from media://, no plugins, no frames, no forms, nothing from the network.
 * (Inline style attributes are allowed: Svelte sets them.)
 */
export const CSP_DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data: blob:",
  'media-src': `'self' ${MEDIA_SCHEME}: blob:`,
  'connect-src': `'self' ${MEDIA_SCHEME}:`,
  'worker-src': "'self'",
  'font-src': "'self'",
  'object-src': "'none'",
  'frame-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-ancestors': "'none'",
};

export const CSP = Object.entries(CSP_DIRECTIVES)
  .map(([k, v]) => `${k} ${v}`)
  .join('; ');

/** Headers every app page and asset is sent with. */
export const APP_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** A page of the app itself (app://needledrop/…). */
export function isAppUrl(url: string | null | undefined): boolean {
  if (!url) return false;
  const u = parse(url);
  return u !== null && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

/** The parts of a WebContents that lockDown uses (tests hand it a stand-in). */
export type LockableContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Every web contents the app creates: no navigation, no new window, no webview, and nothing handed
 * to the system browser. The UI is one page with no external link, so an http(s) URL a page
 * navigates to or window.open()s comes from a bug or a compromised page: it used to be opened in
 * the system browser with no click and no allowlist (review R5.10); now it is dropped. Only a
 * redirect within the app itself goes on.
 */
export function lockDown(contents: LockableContents): void {
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-frame-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e, url) => {
    if (!isAppUrl(url)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** What an IPC event says about its sender frame (Electron's WebFrameMain, or null once it is gone). */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** IPC is answered only for the top frame of an app page; anything else (an iframe, a foreign page) is refused. */
export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}

/** Every permission (camera, notifications, clipboard, geolocation, …) is refused: the app needs none. */
export const allowPermission = (_permission: string): boolean => false;
