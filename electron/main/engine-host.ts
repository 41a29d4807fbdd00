/**
 * One engine process (an Electron utilityProcess in the app; anything with a message port in
 * tests) behind the EngineApi. When the process dies, calls in flight fail with
 * 'engine-unavailable', jobs it was running end as failed with the same code (so no progress bar
 * waits forever), and a new process is started; after `maxRestarts` deaths in a row without a
 * successful reply in between, it stays down and says so.
 */
import { createEngineClient, type EngineClient } from '../contract/client';
import type { EngineApi } from '../contract/api';
import type { ErrorData } from '../contract/errors';
import type { ClientMessage, Port, ServerMessage } from '../contract/messages';
import type { EngineEvent } from '../contract/types';

/** A started engine process, whatever runs it. */
export interface EngineChild {
  port: Port<ServerMessage, ClientMessage>;
  /** Called once when the process has ended, however it ended; `lastError`: its last stderr line, if any. */
  onExit(handler: (code: number | null, lastError?: string) => void): void;
  kill(): void;
}

export interface EngineHostOptions {
  /** For messages: "engine", "training engine". */
  name: string;
  spawn: () => EngineChild;
  /** Deaths in a row (no successful reply in between) before giving up. Default 5. */
  maxRestarts?: number;
  log?: (message: string) => void;
}

export class EngineHost implements EngineApi {
  private child: EngineChild;
  private readonly client: EngineClient;
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  /** Jobs started through this host and not yet ended. */
  private readonly running = new Set<string>();
  private stopped = false;
  private deathsInRow = 0;
  /** Processes started after the first. */
  restarts = 0;

  constructor(private readonly opts: EngineHostOptions) {
    this.child = opts.spawn();
    this.client = createEngineClient(this.child.port);
    this.client.subscribe((e) => this.forward(e));
    this.watch(this.child);
  }

  call: EngineApi['call'] = (op, req) => this.client.call(op, req).then(this.alive);

  start: EngineApi['start'] = async (op, req) => {
    const r = await this.client.start(op, req).then(this.alive);
    this.running.add(r.jobId);
    return r;
  };

  cancel: EngineApi['cancel'] = (jobId) => this.client.cancel(jobId);

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Whether this host started `jobId` and it has not ended. */
  owns(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /** End the process for good (app quit). */
  stop(): void {
    this.stopped = true;
    this.client.disconnect(`the ${this.opts.name} has stopped`);
    this.child.kill();
  }

  private readonly alive = <T>(value: T): T => {
    this.deathsInRow = 0;
    return value;
  };

  private forward(e: EngineEvent): void {
    if (e.type === 'job-end') this.running.delete(e.jobId);
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        // One broken listener must not stop the others.
      }
    }
  }

  private watch(child: EngineChild): void {
    child.onExit((code, lastError) => {
      if (child !== this.child) return;
      this.died(code, lastError);
    });
  }

  private died(code: number | null, lastError?: string): void {
    const how = (code === null ? 'was killed' : `exited with code ${code}`) + (lastError ? ` (${lastError.slice(0, 300)})` : '');
    if (this.stopped) return;
    this.deathsInRow += 1;
    const giveUp = this.deathsInRow > (this.opts.maxRestarts ?? 5);
    const reason = giveUp
      ? `the ${this.opts.name} process ${how}, ${this.deathsInRow} times in a row; it is not restarted (restart the app)`
      : `the ${this.opts.name} process ${how}; it is being restarted`;
    this.opts.log?.(reason);
    this.client.disconnect(reason);
    const error: ErrorData = { code: 'engine-unavailable', message: reason };
    for (const jobId of [...this.running]) this.forward({ type: 'job-end', jobId, state: 'failed', error });
    if (giveUp) return;
    this.restarts += 1;
    this.child = this.opts.spawn();
    this.watch(this.child);
    this.client.reopen(this.child.port);
  }
}
