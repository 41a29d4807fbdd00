/**
 * The engine transport over a WebSocket (the browser bridge): JSON text frames carrying the
 * contract's ClientMessage / ServerMessage. Messages sent while the socket is still connecting
 * are queued until it opens.
 */
import type { ClientMessage, Port, ServerMessage } from '../../electron/contract/messages';

export function socketPort(ws: WebSocket): Port<ServerMessage, ClientMessage> {
  const queued: string[] = [];
  ws.addEventListener('open', () => {
    for (const m of queued.splice(0)) ws.send(m);
  });
  return {
    send(message) {
      const text = JSON.stringify(message);
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
      else if (ws.readyState === WebSocket.CONNECTING) queued.push(text);
      else throw new Error('the connection to the engine is closed');
    },
    onMessage(handler) {
      const listener = (e: MessageEvent): void => {
        if (typeof e.data !== 'string') return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(e.data);
        } catch {
          return; // not ours: the bridge only sends JSON
        }
        handler(parsed as ServerMessage);
      };
      ws.addEventListener('message', listener);
      return () => ws.removeEventListener('message', listener);
    },
  };
}

/** ws://host/api?token=… from the page's own address (the bridge prints the page URL with its token). */
export function bridgeSocketUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api?token=${encodeURIComponent(token)}`;
}

/** Media on the bridge: /media/<kind>/<id>?token=… (Range is answered by the bridge). */
export function bridgeMediaUrl(search: string, kind: 'track' | 'clip', id: string | number): string {
  const token = new URLSearchParams(search).get('token') ?? '';
  return `/media/${kind}/${encodeURIComponent(String(id))}?token=${encodeURIComponent(token)}`;
}

/** What a page whose token the server refuses says (review R1.13): where the way back in is. */
export function restartedMessage(location: Pick<Location, 'protocol' | 'host'>): string {
  return `Needledrop was restarted: open the address it printed (${location.protocol}//${location.host}/?token=…)`;
}
