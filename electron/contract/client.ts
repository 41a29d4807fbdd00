/**
 * The EngineApi over any message port: what the renderer (over preload IPC or a WebSocket)
 * and the Electron main process (over the utilityProcess port) hold.
 */
import type { EngineApi } from './api';
import { EngineError, isErrorData, type ErrorCode } from './errors';
import type { ClientMessage, Port, ServerMessage } from './messages';
import type { EngineEvent } from './types';

export interface EngineClient extends EngineApi {
  /**
   * Fail every call in flight (the engine died, the socket closed) and refuse new ones until `reopen`,
   * with `code`: 'engine-unavailable' while it comes back (the default), 'engine-stopped' when it will not.
   */
  disconnect(reason: string, code?: DownCode): void;
  reopen(port: Port<ServerMessage, ClientMessage>): void;
}

type DownCode = Extract<ErrorCode, 'engine-unavailable' | 'engine-stopped'>;

export function createEngineClient(initial: Port<ServerMessage, ClientMessage>): EngineClient {
  let port = initial;
  let nextId = 1;
  let down: { message: string; code: DownCode } | null = null;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new Set<(e: EngineEvent) => void>();
  let detach = (): void => {};

  const attach = (p: Port<ServerMessage, ClientMessage>): void => {
    detach();
    port = p;
    down = null;
    detach = p.onMessage((m) => {
      if (m.kind === 'event') {
        for (const l of [...listeners]) l(m.event);
        return;
      }
      const waiter = pending.get(m.id);
      if (!waiter) return;
      pending.delete(m.id);
      if (m.ok) waiter.resolve(m.value);
      else waiter.reject(new EngineError(isErrorData(m.error) ? m.error : { code: 'internal', message: 'malformed error from the engine' }));
    });
  };
  attach(initial);

  type Outgoing = ClientMessage extends infer M ? (M extends ClientMessage ? Omit<M, 'id'> : never) : never;

  function request(msg: Outgoing): Promise<unknown> {
    if (down !== null) return Promise.reject(new EngineError(down));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      try {
        port.send({ ...msg, id } as ClientMessage);
      } catch (err) {
        pending.delete(id);
        reject(new EngineError({ code: 'engine-unavailable', message: `cannot reach the engine: ${err instanceof Error ? err.message : String(err)}` }));
      }
    });
  }

  return {
    call: (op, req) => request({ kind: 'call', op, req }) as never,
    start: (op, req) => request({ kind: 'start', op, req }) as never,
    cancel: async (jobId) => {
      await request({ kind: 'cancel', jobId });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    disconnect(reason, code = 'engine-unavailable') {
      down = { message: reason, code };
      for (const [, w] of pending) w.reject(new EngineError(down));
      pending.clear();
    },
    reopen: attach,
  };
}
