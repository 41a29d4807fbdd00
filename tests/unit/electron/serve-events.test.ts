/**
 * The engine served over a message port forwards every engine event to the port as an event
 * message, answers a cancel with null, refuses a message that is not a request, and stops
 * forwarding once closed. The engine here is a stand-in that only emits what the test tells it
 * to; the port is an in-memory pair.
 */
import { describe, expect, it } from 'vitest';
import type { EngineApi } from '../../../electron/contract/api';
import type { Port, ServerMessage } from '../../../electron/contract/messages';
import type { EngineEvent } from '../../../electron/contract/types';
import { serveEngine } from '../../../electron/engine/host/serve';

describe('serveEngine', () => {
  it('forwards events, answers cancel, and stops when closed', async () => {
    const listeners = new Set<(e: EngineEvent) => void>();
    const cancelled: string[] = [];
    const api = {
      call: () => Promise.reject(new Error('not used')),
      start: () => Promise.reject(new Error('not used')),
      cancel: (jobId: string) => {
        cancelled.push(jobId);
        return Promise.resolve();
      },
      subscribe: (l: (e: EngineEvent) => void) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    } as unknown as EngineApi;
    const sent: ServerMessage[] = [];
    let deliver: (m: unknown) => void = () => undefined;
    const port: Port<unknown, ServerMessage> = { send: (m) => sent.push(m), onMessage: (h) => ((deliver = h), () => (deliver = () => undefined)) };
    const close = serveEngine(api, port);
    const event: EngineEvent = { type: 'progress', jobId: 'job-1', phase: 'scan', done: 1, total: 2, rate: 1, eta: 1, elapsed: 1 };
    for (const l of listeners) l(event);
    expect(sent).toEqual([{ kind: 'event', event }]);
    deliver({ kind: 'cancel', id: 7, jobId: 'job-1' });
    await new Promise((r) => setImmediate(r));
    expect(cancelled).toEqual(['job-1']);
    expect(sent[1]).toEqual({ kind: 'reply', id: 7, ok: true, value: null });
    // Not a request at all: refused as invalid, under its id when it has one, and reported.
    deliver({ kind: 'shout', id: 9 });
    expect(sent[2]).toMatchObject({ kind: 'reply', id: 9, ok: false, error: { code: 'invalid-request' } });
    close();
    expect(listeners.size).toBe(0);
  });
});
