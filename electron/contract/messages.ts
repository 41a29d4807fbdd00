/**
 * The wire format of the engine transport: request/response with ids, plus events. Every
 * message is plain structured-clone-safe data, so a worker port, Electron's utilityProcess
 * port, ipcRenderer and a WebSocket (as JSON) can all carry it.
 */
import type { ErrorData } from './errors';
import type { EngineEvent } from './types';

export type ClientMessage =
  | { kind: 'call'; id: number; op: string; req?: unknown }
  | { kind: 'start'; id: number; op: string; req?: unknown }
  | { kind: 'cancel'; id: number; jobId: string };

export type ServerMessage =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: ErrorData }
  | { kind: 'event'; event: EngineEvent };

/** The two ends of a channel, whatever carries it. */
export interface Port<In, Out> {
  send(message: Out): void;
  /** Register the handler for incoming messages; returns a function that removes it. */
  onMessage(handler: (message: In) => void): () => void;
}

export function isClientMessage(x: unknown): x is ClientMessage {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Record<string, unknown>;
  if (typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) return false;
  if (m.kind === 'call' || m.kind === 'start') return typeof m.op === 'string';
  return m.kind === 'cancel' && typeof m.jobId === 'string';
}
