/**
 * The engine host's restart logic and the training router. The child processes are fakes (the
 * unit is what the host does when one dies): each answers calls with its own number, so a
 * reply shows which process served it, and can hold replies to keep a call in flight.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/contract/errors';
import type { ClientMessage, ServerMessage } from '../../../electron/contract/messages';
import type { EngineEvent } from '../../../electron/contract/types';
import { EngineHost, type EngineChild } from '../../../electron/main/engine-host';
import { routeEngines, TRAINING_OPERATIONS } from '../../../electron/main/engine-router';

class FakeChild implements EngineChild {
  hold = false;
  readonly received: ClientMessage[] = [];
  private handler: ((m: ServerMessage) => void) | null = null;
  private exitHandler: ((code: number | null, lastError?: string) => void) | null = null;
  killed = false;
  private jobs = 0;
  constructor(readonly n: number) {}
  port = {
    send: (m: ClientMessage) => {
      this.received.push(m);
      if (this.hold) return;
      queueMicrotask(() => this.answer(m));
    },
    onMessage: (h: (m: ServerMessage) => void) => {
      this.handler = h;
      return () => {
        this.handler = null;
      };
    },
  };
  answer(m: ClientMessage): void {
    if (m.kind === 'call') this.handler?.({ kind: 'reply', id: m.id, ok: true, value: m.op === 'jobs.list' ? [{ id: `job-${this.n}-live`, op: 'train' }] : { process: this.n } });
    else if (m.kind === 'start') this.handler?.({ kind: 'reply', id: m.id, ok: true, value: { jobId: `p${this.n}-${m.op}-${++this.jobs}` } });
    else this.handler?.({ kind: 'reply', id: m.id, ok: true, value: null });
  }
  event(e: EngineEvent): void {
    this.handler?.({ kind: 'event', event: e });
  }
  onExit(h: (code: number | null, lastError?: string) => void): void {
    this.exitHandler = h;
  }
  /** The process dies. */
  exit(code: number | null, lastError?: string): void {
    this.exitHandler?.(code, lastError);
  }
  kill(): void {
    this.killed = true;
    this.exit(null);
  }
}

function host(maxRestarts?: number) {
  const children: FakeChild[] = [];
  const logs: string[] = [];
  const h = new EngineHost({
    name: 'engine',
    spawn: () => {
      const c = new FakeChild(children.length + 1);
      children.push(c);
      return c;
    },
    ...(maxRestarts !== undefined ? { maxRestarts } : {}),
    log: (m) => logs.push(m),
  });
  return { h, children, logs, current: () => children[children.length - 1] };
}

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof EngineError ? `${err.code}: ${err.message}` : String(err);
  }
};

describe('EngineHost', () => {
  it('a call in flight when the process dies fails with engine-unavailable; the next call is served by a new process', async () => {
    const { h, children, current } = host();
    expect(await h.call('engine.info')).toEqual({ process: 1 });
    current().hold = true;
    const inFlight = h.call('settings.get');
    current().exit(139);
    expect(await codeOf(inFlight)).toBe('engine-unavailable: the engine process exited with code 139; it is being restarted');
    expect(children).toHaveLength(2);
    expect(h.restarts).toBe(1);
    expect(await h.call('engine.info')).toEqual({ process: 2 });
  });

  it('a job the dead process was running ends as failed with engine-unavailable (no progress bar waits forever)', async () => {
    const { h, current } = host();
    const events: EngineEvent[] = [];
    h.subscribe((e) => events.push(e));
    const { jobId } = await h.start('library.scan', {});
    const { jobId: finished } = await h.start('export', { clip: '/a.mp4', track: 1, out: '/b.mp4' });
    current().event({ type: 'job-end', jobId: finished, state: 'done', result: {} });
    expect(h.owns(jobId)).toBe(true);
    expect(h.owns(finished)).toBe(false);
    current().exit(null);
    const ends = events.filter((e) => e.type === 'job-end' && e.state === 'failed');
    expect(ends).toEqual([{ type: 'job-end', jobId, state: 'failed', error: { code: 'engine-unavailable', message: 'stopped: the engine process was killed; it is being restarted — run it again' } }]);
    expect(h.owns(jobId)).toBe(false);
  });

  it('a job the engine started itself (a watched folder’s scan), known by its progress alone, ends too when the process dies (review S19)', async () => {
    const { h, current } = host();
    const events: EngineEvent[] = [];
    h.subscribe((e) => events.push(e));
    const progress = { type: 'progress', phase: 'analysing', done: 0, total: 1, rate: 0, eta: null, elapsed: 0 } as const;
    current().event({ ...progress, jobId: 'job-7' });
    current().event({ ...progress, jobId: 'job-8' });
    current().event({ type: 'job-end', jobId: 'job-8', state: 'done', result: {} });
    expect([h.owns('job-7'), h.owns('job-8')]).toEqual([true, false]);
    current().exit(null);
    expect(events.filter((e) => e.type === 'job-end' && e.state === 'failed')).toEqual([
      { type: 'job-end', jobId: 'job-7', state: 'failed', error: { code: 'engine-unavailable', message: 'stopped: the engine process was killed; it is being restarted — run it again' } },
    ]);
    expect(h.owns('job-7')).toBe(false);
  });

  it('each process is told how many were started before it, so its job ids are its own', async () => {
    const told: number[] = [];
    const children: FakeChild[] = [];
    const h = new EngineHost({ name: 'engine', spawn: (restarts) => (told.push(restarts), children[children.push(new FakeChild(told.length)) - 1]) });
    children[0].exit(1);
    children[1].exit(1);
    expect(told).toEqual([0, 1, 2]);
    expect(await h.call('engine.info')).toEqual({ process: 3 });
  });

  it('events of the new process reach the same subscribers', async () => {
    const { h, current } = host();
    const events: EngineEvent[] = [];
    h.subscribe((e) => events.push(e));
    current().exit(1);
    current().event({ type: 'changed', what: 'tracks' });
    expect(events).toEqual([{ type: 'changed', what: 'tracks' }]);
  });

  it('gives up after maxRestarts deaths in a row, and says so with a code of its own: nothing reconnects (review R1.2)', async () => {
    const { h, children, current, logs } = host(2);
    current().exit(1);
    current().exit(1);
    current().exit(1);
    expect(children).toHaveLength(3);
    expect(await codeOf(h.call('engine.info'))).toBe('engine-stopped: the engine process exited with code 1, 3 times in a row; it is not restarted (restart the app)');
    expect(logs).toHaveLength(3);
    // A job running when it gives up ends with the same code.
    const once = host(0);
    const events: EngineEvent[] = [];
    once.h.subscribe((e) => events.push(e));
    const { jobId } = await once.h.start('library.scan', {});
    once.current().exit(null);
    expect(events).toEqual([{ type: 'job-end', jobId, state: 'failed', error: { code: 'engine-stopped', message: 'stopped: the engine process was killed, 1 times in a row; it is not restarted (restart the app)' } }]);
  });

  it('the reason names the last error the process wrote', async () => {
    const { h, current } = host();
    current().hold = true;
    const inFlight = h.call('engine.info');
    current().exit(1, 'Error: The module better_sqlite3.node was compiled against a different Node.js version');
    expect(await codeOf(inFlight)).toBe(
      'engine-unavailable: the engine process exited with code 1 (Error: The module better_sqlite3.node was compiled against a different Node.js version); it is being restarted',
    );
  });

  it('a successful reply resets the count of deaths in a row', async () => {
    const { h, children, current } = host(1);
    current().exit(1);
    expect(await h.call('engine.info')).toEqual({ process: 2 });
    current().exit(1);
    expect(await h.call('engine.info')).toEqual({ process: 3 });
    expect(children).toHaveLength(3);
  });

  it('the exit of a process already replaced is ignored; after stop nothing restarts', async () => {
    const { h, children } = host();
    const first = children[0];
    first.exit(1);
    first.exit(1);
    expect(children).toHaveLength(2);
    h.stop();
    expect(children[1].killed).toBe(true);
    expect(children).toHaveLength(2);
    expect(await codeOf(h.call('engine.info'))).toBe('engine-stopped: the engine has stopped');
  });
});

describe('routeEngines', () => {
  it('training operations go to the training process, everything else to the main one; cancel goes to the owner', async () => {
    const main = host();
    const training = host();
    const api = routeEngines(main.h, training.h);
    const started: string[] = [];
    for (const op of ['train', 'finetune', 'evaluate', 'corpus', 'match', 'library.scan', 'export'] as const) {
      started.push((await api.start(op, {} as never)).jobId);
    }
    expect(started).toEqual(['p1-train-1', 'p1-finetune-2', 'p1-evaluate-3', 'p1-corpus-4', 'p1-match-1', 'p1-library.scan-2', 'p1-export-3']);
    expect(training.current().received.filter((m) => m.kind === 'start').map((m) => (m as { op: string }).op)).toEqual([...TRAINING_OPERATIONS]);
    expect(main.current().received.filter((m) => m.kind === 'start').map((m) => (m as { op: string }).op)).toEqual(['match', 'library.scan', 'export']);

    await api.cancel('p1-train-1');
    await api.cancel('p1-match-1');
    expect(training.current().received.filter((m) => m.kind === 'cancel')).toEqual([{ kind: 'cancel', id: expect.any(Number), jobId: 'p1-train-1' }]);
    expect(main.current().received.filter((m) => m.kind === 'cancel')).toEqual([{ kind: 'cancel', id: expect.any(Number), jobId: 'p1-match-1' }]);
  });

  it('quick calls go to the main process; jobs.list lists both; events of both arrive', async () => {
    const main = host();
    const training = host();
    const api = routeEngines(main.h, training.h);
    await api.call('models.list');
    expect(training.current().received).toEqual([]);
    expect(await api.call('jobs.list')).toEqual([
      { id: 'job-1-live', op: 'train' },
      // The same id from the training side is listed once.
    ]);
    const events: EngineEvent[] = [];
    api.subscribe((e) => events.push(e));
    main.current().event({ type: 'changed', what: 'tracks' });
    training.current().event({ type: 'changed', what: 'models' });
    expect(events.map((e) => (e.type === 'changed' ? e.what : e.type))).toEqual(['tracks', 'models']);
  });

  it('a dead training process does not take matching down', async () => {
    const main = host();
    const training = host();
    const api = routeEngines(main.h, training.h);
    training.current().hold = true;
    const run = api.start('train', {} as never);
    training.current().exit(1);
    expect(await codeOf(run)).toMatch(/^engine-unavailable: the engine process exited with code 1/);
    expect(await api.call('engine.info')).toEqual({ process: 1 });
  });
});
