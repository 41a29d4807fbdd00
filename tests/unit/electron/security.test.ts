/**
 * Electron's security checklist, item by item, read from the settings the shell applies
 * (electron/main/security.ts: main.ts passes WEB_PREFERENCES to every window, the CSP with every
 * app response, allowPermission to the session's permission handlers, isTrustedSender to IPC).
 */
import { describe, expect, it } from 'vitest';
import {
  allowPermission,
  APP_ENTRY,
  APP_HEADERS,
  CSP,
  isAppUrl,
  isTrustedSender,
  lockDown,
  type LockableContents,
  WEB_PREFERENCES,
  windowPreferences,
} from '../../../electron/main/security';

/** The CSP header as directive → sources, parsed the way a browser splits it. */
function parseCsp(header: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), sources);
  }
  return out;
}

describe('webPreferences', () => {
  it('isolates the context, sandboxes the renderer and gives it no Node', () => {
    expect(WEB_PREFERENCES.contextIsolation).toBe(true);
    expect(WEB_PREFERENCES.sandbox).toBe(true);
    expect(WEB_PREFERENCES.nodeIntegration).toBe(false);
    expect(WEB_PREFERENCES.nodeIntegrationInWorker).toBe(false);
    expect(WEB_PREFERENCES.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on, refuses insecure content, webviews, experimental features and drop-navigation', () => {
    expect(WEB_PREFERENCES.webSecurity).toBe(true);
    expect(WEB_PREFERENCES.allowRunningInsecureContent).toBe(false);
    expect(WEB_PREFERENCES.webviewTag).toBe(false);
    expect(WEB_PREFERENCES.experimentalFeatures).toBe(false);
    expect(WEB_PREFERENCES.navigateOnDragDrop).toBe(false);
  });

  it('a window gets exactly these plus its preload, which cannot weaken them', () => {
    const prefs = windowPreferences('/app/dist/electron/preload.cjs');
    expect(prefs).toEqual({ ...WEB_PREFERENCES, preload: '/app/dist/electron/preload.cjs' });
  });
});

describe('Content-Security-Policy', () => {
  const csp = parseCsp(CSP);

  it('is sent as a header with every app response', () => {
    expect(APP_HEADERS['Content-Security-Policy']).toBe(CSP);
    expect(APP_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });

  it("falls back to 'self' and runs scripts only from the app (no inline, no eval)", () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(CSP).not.toMatch(/unsafe-eval|wasm-unsafe-eval|strict-dynamic/);
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('loads nothing from the network: no http(s), ws, wildcard or data: script sources', () => {
    for (const [directive, sources] of csp) {
      for (const s of sources) {
        expect(s, `${directive} ${s}`).not.toMatch(/^(https?:|wss?:|\*|file:)/);
        if (directive === 'script-src' || directive === 'worker-src' || directive === 'default-src') expect(s).not.toMatch(/^(data:|blob:)/);
      }
    }
  });

  it('media only from the app, media:// and blobs; no plugins, frames, forms or base changes', () => {
    expect(csp.get('media-src')).toEqual(["'self'", 'media:', 'blob:']);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
  });
});

describe('origins', () => {
  it('the app is app://needledrop only', () => {
    expect(isAppUrl(APP_ENTRY)).toBe(true);
    expect(isAppUrl('app://needledrop/')).toBe(true);
    expect(isAppUrl('app://needledrop/assets/index-abc.js')).toBe(true);
    for (const url of ['app://needledrop.evil/', 'app://evil/index.html', 'file:///index.html', 'https://needledrop/', 'app://user:pw@needledrop/', 'media://track/1', '', 'not a url']) {
      expect(isAppUrl(url), url).toBe(false);
    }
    expect(isAppUrl(undefined)).toBe(false);
  });

  it('refuses every navigation and new window, and hands no URL to the system browser (review R5.10)', () => {
    // A stand-in WebContents that keeps the handlers lockDown installs, to fire them as Electron would.
    const handlers = new Map<string, (e: { preventDefault(): void }, url: string) => void>();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (event: string, h: (e: { preventDefault(): void }, url: string) => void) => {
        handlers.set(event, h);
        return contents;
      },
      setWindowOpenHandler: (h: (d: { url: string }) => { action: string }) => {
        openHandler = h;
      },
    };
    lockDown(contents as unknown as LockableContents);
    const fire = (event: string, url: string): boolean => {
      let prevented = false;
      handlers.get(event)?.({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    for (const url of ['https://evil.example/login', 'http:\\\\evil', 'https://evil.com\\@good.com', 'http://127.0.0.1:8080/', 'app://needledrop/other.html', 'media://clip/x', 'file:///etc/passwd']) {
      expect(fire('will-navigate', url), url).toBe(true);
      expect(fire('will-frame-navigate', url), url).toBe(true);
      expect(openHandler?.({ url }), url).toEqual({ action: 'deny' });
    }
    expect(fire('will-attach-webview', 'https://evil.example/')).toBe(true);
    expect(fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(fire('will-redirect', 'app://needledrop/index.html')).toBe(false);
  });

  it('IPC is trusted only from the top frame of an app page', () => {
    expect(isTrustedSender({ url: APP_ENTRY, parent: null })).toBe(true);
    expect(isTrustedSender({ url: APP_ENTRY, parent: { url: APP_ENTRY } })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'file:///tmp/x.html', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });

  it('denies every permission request', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'openExternal', 'pointerLock', 'midiSysex', 'hid', 'serial', 'usb']) {
      expect(allowPermission(p), p).toBe(false);
    }
  });
});
