/**
 * End-to-end harness: the built renderer served by the real bridge (`needledrop serve`) over a
 * catalog in a temp folder, driven in Debian's Chromium through playwright-core.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { runJob, type EngineApi } from '../../electron/contract/api';
import { createEngineClient } from '../../electron/contract/client';
import type { ClientMessage, ServerMessage } from '../../electron/contract/messages';
import { cliArgv } from '../helpers/cli';

// Built by the global setup (tests/helpers/test-home.ts) before any file runs; the bench calls it itself.
import { ensureRendererBuilt } from '../helpers/renderer-build';
export { ensureRendererBuilt };

export const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
export const SHARED_MEDIA = join(REPO, '../shared/media');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // Previews start on a click in the app; in tests media may also start from script.
  '--autoplay-policy=no-user-gesture-required',
];

export interface Served {
  url: string;
  origin: string;
  token: string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** More environment for the engine (HOME, to say where the user's folders are). */
  env?: Record<string, string>;
  /**
   * Run the engine as `nobody` when the tests run as root (root writes in any folder whatever its
   * mode, so a read-only folder is only read-only to another user). `home` must be writable by it.
   */
  asNobody?: boolean;
  /** The port to serve on (default 0: a free one). */
  port?: number;
}

/** Whether `startServe` can drop to `nobody` (or needs not: the tests do not run as root). */
export const canRunAsNobody = process.getuid?.() !== 0 || spawnSync('setpriv', ['--version']).status === 0;

/** Start `needledrop serve` on a free port with its own data folder and catalog. */
export async function startServe(home: string, opts: ServeOptions = {}): Promise<Served> {
  const command = [process.execPath, ...cliArgv('serve', '--port', String(opts.port ?? 0), '--db', join(home, 'catalog.db'))];
  const [file, ...args] = opts.asNobody && process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...command] : command;
  const child: ChildProcess = spawn(file, args, {
    cwd: REPO,
    env: { ...process.env, NEEDLEDROP_HOME: home, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`serve printed no URL in 60 s; stderr:\n${stderr}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Needledrop UI: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited with ${code}; stderr:\n${stderr}`));
    });
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token') ?? '',
    stop: () =>
      new Promise<void>((done) => {
        // Ended by a signal (the SIGKILL below), a child has no exit code, and no second 'exit' comes.
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

export interface Session {
  browser: Browser;
  page: Page;
  /** Uncaught page errors and console errors seen so far. */
  problems: string[];
}

export async function openApp(url: string): Promise<Session> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  await page.locator('.conn[data-status="open"]').waitFor({ timeout: 30_000 });
  return { browser, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(REPO, 'docs/screenshots', `${name}.png`) });
}

/**
 * Every text the elements matching `selector` show from now on, in order, for a state that lasts a
 * moment (a live region the next announcement replaces, a "Saved." that clears itself): a poll
 * samples and can miss it on a loaded machine, an observer in the page cannot. Read with `textsShown`.
 */
export async function recordTexts(page: Page, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const w = window as unknown as { shownTexts?: Record<string, string[]> };
    const shown: string[] = [];
    (w.shownTexts ??= {})[sel] = shown;
    const note = (): void => {
      for (const el of Array.from(document.querySelectorAll<HTMLElement>(sel))) {
        const text = el.innerText.trim();
        if (text && shown[shown.length - 1] !== text) shown.push(text);
      }
    };
    new MutationObserver(note).observe(document.body, { childList: true, subtree: true, characterData: true });
  }, selector);
}

/** The texts `recordTexts` saw for `selector` so far. */
export function textsShown(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => (window as unknown as { shownTexts?: Record<string, string[]> }).shownTexts?.[sel] ?? [], selector);
}

/** ffprobe's view of a file: format and streams. */
export function probe(file: string): { format: { duration: string; format_name: string }; streams: { codec_type: string; codec_name: string; duration?: string }[] } {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]).toString());
}

/** The engine asked directly over the bridge's WebSocket, from Node: the truth the UI is checked against. */
export async function connectEngine(s: Pick<Served, 'origin' | 'token'>): Promise<{ api: EngineApi; close: () => void }> {
  const ws = new WebSocket(`${s.origin.replace('http', 'ws')}/api?token=${s.token}`);
  await new Promise((ok, fail) => {
    ws.once('open', ok);
    ws.once('error', fail);
  });
  const api = createEngineClient({
    send: (m: ClientMessage) => ws.send(JSON.stringify(m)),
    onMessage: (h: (m: ServerMessage) => void) => {
      const l = (data: WebSocket.RawData): void => h(JSON.parse(data.toString()) as ServerMessage);
      ws.on('message', l);
      return () => ws.off('message', l);
    },
  });
  return { api, close: () => ws.close() };
}

export interface App {
  served: Served;
  /** The engine behind the page, asked directly (the truth the UI is checked against). */
  engine: EngineApi;
  session: Session;
  page: Page;
  /** Close the browser, the engine client and serve. */
  stop(): Promise<void>;
}

/** What an e2e file starts with: the renderer built, serve on `home`, a client to its engine, Chromium on the app. */
export async function startApp(home: string, opts: ServeOptions = {}): Promise<App> {
  ensureRendererBuilt();
  const served = await startServe(home, opts);
  const { api, close } = await connectEngine(served);
  const session = await openApp(served.url);
  return {
    served,
    engine: api,
    session,
    page: session.page,
    stop: async () => {
      await session.browser.close();
      close();
      await served.stop();
    },
  };
}

/** The app on a library of these folders, scanned, with the page reloaded onto the scanned catalog. */
export async function startAppOnLibrary(home: string, folders: string[], opts: ServeOptions = {}): Promise<App> {
  const app = await startApp(home, opts);
  for (const path of folders) await app.engine.call('library.addFolder', { path });
  await runJob(app.engine, 'library.scan', {});
  await app.page.reload();
  await app.page.locator('.conn[data-status="open"]').waitFor({ timeout: 30_000 });
  return app;
}

/** Open a clip on the Match screen by typing its path, as a user does. */
export async function openClipOnMatch(page: Page, path: string): Promise<void> {
  await page.click('nav button[data-screen="match"]');
  await page.fill('input[aria-label="Clip path"]', path);
  await page.click('[data-testid="open-clip"]');
}
