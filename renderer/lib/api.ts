/**
 * The one engine handle the screens use. In Electron the preload's `window.needledrop` is taken
 * as it is; in a browser (needledrop serve) the same interface is built over a WebSocket that
 * reconnects by itself, so a screen cannot tell the two apart.
 */
import type { NeedledropBridge } from '../../electron/contract/bridge';
import { createEngineClient } from '../../electron/contract/client';
import { EngineError, isErrorData } from '../../electron/contract/errors';
import { connection } from './connection.svelte';
import { withLocalEvents } from './job-ends';
import { bridgeMediaUrl, bridgeSocketUrl, restartedMessage, socketPort } from './socket-port';

const RETRY_MS = [250, 500, 1000, 2000, 4000];

/**
 * Whether the server at this page's address answers but refuses its token (401). A browser does
 * not tell why a WebSocket failed, so the page asks its own address again: no answer at all (the
 * server is down) or any other status keeps the retries going.
 */
async function tokenRefused(): Promise<boolean> {
  try {
    const res = await fetch(location.pathname + location.search, { method: 'HEAD', cache: 'no-store', credentials: 'omit' });
    return res.status === 401;
  } catch {
    return false;
  }
}

function browserBridge(): NeedledropBridge {
  let attempt = 0;
  const open = (): WebSocket => {
    const ws = new WebSocket(bridgeSocketUrl(location));
    ws.addEventListener('open', () => {
      // Back after a drop: screens reload what they show (events were missed meanwhile).
      if (connection.status !== 'open' && connection.message) connection.reconnects += 1;
      attempt = 0;
      connection.status = 'open';
      connection.message = '';
    });
    ws.addEventListener('close', (e) => {
      const reason = e.reason || (e.code === 1008 ? 'the bridge refused this page (wrong or missing token)' : 'the connection to the engine was lost');
      connection.status = 'down';
      connection.message = reason;
      client.disconnect(reason);
      const wait = RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)];
      setTimeout(() => {
        void tokenRefused().then((refused) => {
          if (refused) {
            // A server is there but refuses this page's token: serve was restarted. Retrying cannot help.
            connection.status = 'refused';
            connection.message = restartedMessage(location);
            client.disconnect(connection.message, 'engine-stopped');
            return;
          }
          connection.status = 'connecting';
          client.reopen(socketPort(open()));
        });
      }, wait);
    });
    return ws;
  };
  const client = createEngineClient(socketPort(open()));
  const mac = /Mac/i.test(navigator.platform);
  return {
    api: client,
    mediaUrl: (kind, id) => bridgeMediaUrl(location.search, kind, id),
    platform: { shell: 'browser', os: navigator.platform, mod: mac ? '⌘' : 'Ctrl' },
  };
}

/**
 * Electron's context bridge passes rejections as plain objects (an Error's own fields are
 * dropped): turn `{ code, message }` back into an EngineError so screens test one type.
 */
function rebuildErrors(bridge: NeedledropBridge): NeedledropBridge {
  const again = (err: unknown): never => {
    throw isErrorData(err) ? new EngineError(err) : err;
  };
  const inner = bridge.api;
  return {
    ...bridge,
    api: {
      call: (op, req) => inner.call(op, req).catch(again),
      start: (op, req) => inner.start(op, req).catch(again),
      cancel: (jobId) => inner.cancel(jobId).catch(again),
      subscribe: (listener) => inner.subscribe(listener),
    },
  };
}

function pick(): NeedledropBridge {
  if (window.needledrop) {
    connection.status = 'open';
    return rebuildErrors(window.needledrop);
  }
  return browserBridge();
}

const picked = pick();
// The window's own events beside the engine's: the end of a job whose end was lost (job-ends.ts).
const local = withLocalEvents(picked.api);
export const host: NeedledropBridge = { ...picked, api: local.api };
export const api = host.api;
export const emitLocally = local.emit;
