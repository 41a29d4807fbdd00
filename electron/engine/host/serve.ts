/**
 * The Engine over a message port: requests with ids in, replies and events out, errors as data.
 * Whatever carries the port (a worker's MessagePort, Electron's utilityProcess parentPort, a
 * WebSocket) only has to move plain objects. Malformed messages are answered, never thrown.
 */
import type { EngineApi } from '../../contract/api';
import { isClientMessage, type ClientMessage, type Port, type ServerMessage } from '../../contract/messages';
import { toErrorData } from '../service/errors';

export interface ServeOptions {
  /** Called for messages that are not requests at all (logged by the host). */
  onBadMessage?: (message: unknown) => void;
}

/** Serve `api` on `port` until the returned function is called. */
export function serveEngine(api: EngineApi, port: Port<unknown, ServerMessage>, opts: ServeOptions = {}): () => void {
  const unsubscribe = api.subscribe((event) => port.send({ kind: 'event', event }));
  const off = port.onMessage((raw) => {
    if (!isClientMessage(raw)) {
      opts.onBadMessage?.(raw);
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
      port.send({ kind: 'reply', id, ok: false, error: { code: 'invalid-request', message: 'malformed message: expected {kind: "call"|"start"|"cancel", id, …}' } });
      return;
    }
    void answer(api, raw).then(
      (value) => port.send({ kind: 'reply', id: raw.id, ok: true, value }),
      (err: unknown) => port.send({ kind: 'reply', id: raw.id, ok: false, error: toErrorData(err) }),
    );
  });
  return () => {
    off();
    unsubscribe();
  };
}

function answer(api: EngineApi, m: ClientMessage): Promise<unknown> {
  switch (m.kind) {
    case 'call':
      return api.call(m.op as never, m.req as never);
    case 'start':
      return api.start(m.op as never, m.req as never);
    case 'cancel':
      return api.cancel(m.jobId).then(() => null);
  }
}

/** A Port over a Node/worker MessagePort (structured clone). */
export function messagePortAdapter<In, Out>(p: {
  postMessage(m: unknown): void;
  on(ev: 'message', h: (m: In) => void): unknown;
  off(ev: 'message', h: (m: In) => void): unknown;
}): Port<In, Out> {
  return {
    send: (m) => p.postMessage(m),
    onMessage(handler) {
      p.on('message', handler);
      return () => p.off('message', handler);
    },
  };
}
