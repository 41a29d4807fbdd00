/**
 * `needledrop serve [--port P] [--db PATH] [--static DIR] [--open]`: the app's UI in a browser,
 * on this machine only: the built renderer and the engine over HTTP + WebSocket on 127.0.0.1,
 * behind a random token in the printed URL.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../../electron/contract/errors';
import { startBridge, contextFromEnv, defaultResourcesDir, Engine } from '../../electron/engine/service';
import { num, parse } from './args';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export const usage = 'needledrop serve [--port P] [--db PATH] [--static DIR] [--open]';
export const summary = 'the app in your browser: UI and engine on 127.0.0.1, behind a token';
export const example = 'needledrop serve --port 5173 --open';

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { port: { type: 'string' }, db: { type: 'string' }, static: { type: 'string' }, open: { type: 'boolean', default: false } },
    false,
  );
  const port = num(values.port, 'port', { min: 0, max: 65535, int: true }) ?? 0;
  const staticDir = values.static ?? join(defaultResourcesDir(), 'renderer', 'dist');
  if (!existsSync(join(staticDir, 'index.html'))) {
    process.stderr.write(`serve: no built UI in ${staticDir} (run \`npm run build:renderer\`); the API is served anyway\n`);
  }
  // Requests come from a browser page: confine them to the library, opened clips and the data folder.
  // It stays open: it watches the library folders (when the user's setting is on) like the app.
  const engine = new Engine(contextFromEnv(process.env, { confined: true, watch: true, ...(values.db ? { catalogPath: values.db } : {}) }));
  let bridge: Awaited<ReturnType<typeof startBridge>>;
  try {
    bridge = await startBridge(engine, { port, staticDir });
  } catch (err) {
    await engine.close();
    // A port another program holds is the user's to change, not an internal error with a stack (review R15).
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new EngineError({ code: 'bad-input', message: `port ${port} is in use; pass --port 0 for a free one` });
    if (code === 'EACCES') throw new EngineError({ code: 'bad-input', message: `port ${port} is not open to this user; pass --port 0 for a free one` });
    throw err;
  }
  process.stdout.write(`Needledrop UI: ${bridge.url}\n`);
  const opened = values.open ? openInBrowser(bridge.url) : null;
  // Listening ('on', not 'once') until the engine is closed: a 'once' listener is gone when the signal's other
  // listeners run, and media/process.ts's guard, finding itself alone while a job's ffmpeg ran, raised the signal
  // again: serve died by it, the job's catalog row left 'running' (review R4.6). A second Ctrl-C leaves at once.
  let stopping = false;
  let stopped!: () => void;
  const stop = (sig: NodeJS.Signals): void => {
    if (stopping) {
      if (sig === 'SIGINT') process.exit(130);
      return;
    }
    stopping = true;
    stopped();
  };
  const stopSignal = new Promise<void>((done) => (stopped = done));
  for (const sig of STOP_SIGNALS) process.on(sig, stop);
  await stopSignal;
  opened?.remove();
  try {
    await bridge.close();
    await engine.close();
  } finally {
    for (const sig of STOP_SIGNALS) process.off(sig, stop);
  }
  return 0;
}

/** How long the redirect file waits for a browser to start and read it. */
const OPEN_FILE_LIFE_MS = 120_000;

/**
 * Open the UI in the default browser without putting the token on a command line: the opener,
 * and the browser it starts, keep their arguments readable by every user in /proc/<pid>/cmdline
 * (review R5.5). They get the path of a page, readable by this user only, that sends the browser
 * on to the token URL; it is removed after two minutes, or when serve stops.
 */
export function openInBrowser(url: string, opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open'): { file: string; remove(): void } {
  // mkdtemp: a new folder only this user can enter (0700), even in a shared /tmp.
  const dir = mkdtempSync(join(tmpdir(), 'needledrop-open-'));
  const file = join(dir, 'open.html');
  const href = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${href}"><title>Needledrop</title><a href="${href}">Open Needledrop</a>\n`, { mode: 0o600, flag: 'wx' });
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  setTimeout(remove, OPEN_FILE_LIFE_MS).unref();
  spawn(opener, [file], { stdio: 'ignore', detached: true }).on('error', () => process.stderr.write(`serve: could not open a browser; open the URL above\n`)).unref();
  return { file, remove };
}
