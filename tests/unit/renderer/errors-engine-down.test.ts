/**
 * The app's error box under an engine that died (review R1.2): "Reconnecting to the engine…" only
 * while the shell is restarting it. After it gave up, the box read "…it is not restarted (restart
 * the app)" over "Reconnecting to the engine…". The errors are the host's own (EngineHost over
 * fake processes that exit), as the window receives them.
 */
import { describe, expect, it } from 'vitest';
import type { ClientMessage, ServerMessage } from '../../../electron/contract/messages';
import { EngineHost, type EngineChild } from '../../../electron/main/engine-host';
import { readable } from '../../../renderer/lib/errors';

/** A process that never answers, and dies when told. */
function mortal(children: Array<() => void>): EngineChild {
  let onExit: (code: number | null) => void = () => {};
  children.push(() => onExit(1));
  return {
    port: { send: (_m: ClientMessage) => {}, onMessage: (_h: (m: ServerMessage) => void) => () => {} },
    onExit: (h) => (onExit = h),
    kill: () => onExit(null),
  };
}

const errorOf = (p: Promise<unknown>): Promise<unknown> => p.then(() => null, (e: unknown) => e);

describe('the engine-down hint', () => {
  it('says it is reconnecting while a restart is under way, and not once the shell has given up', async () => {
    const deaths: Array<() => void> = [];
    const host = new EngineHost({ name: 'engine', spawn: () => mortal(deaths), maxRestarts: 1 });

    const restarting = errorOf(host.call('engine.info'));
    deaths[0]();
    const first = readable(await restarting);
    expect(first.title).toBe('the engine process exited with code 1; it is being restarted');
    expect(first.detail).toBe('Reconnecting to the engine…');

    const lost = errorOf(host.call('engine.info'));
    deaths[1]();
    const last = readable(await lost);
    expect(last.title).toBe('the engine process exited with code 1, 2 times in a row; it is not restarted (restart the app)');
    expect(last.detail ?? '').not.toMatch(/reconnect/i);
    // And every call after it says the same.
    expect(readable(await errorOf(host.call('settings.get')))).toEqual(last);
  });
});
