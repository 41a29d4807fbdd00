/**
 * One engine process (an Electron utilityProcess in the app; anything with a message port in
 * tests) behind the EngineApi. When the process dies, calls in flight fail with
 * 'engine-unavailable', jobs it was running end as failed with the same code (so no progress bar
 * waits forever), and a new process is started; after `maxRestarts` deaths in a row without a
 * successful reply in between, it stays down and says so, as 'engine-stopped' (nothing reconnects).
 * The clips opened through it are opened again in the new process, under the same ids, before it
 * serves anything else: a confined engine reads only clips it opened, and the window still holds
 * its clip (review R1.1).
 */
import { createEngineClient, type EngineClient } from '../contract/client';
import type { EngineApi } from '../contract/api';
import { EngineError, type ErrorData } from '../contract/errors';
import type { ClientMessage, Port, ServerMessage } from '../contract/messages';
import type { EngineEvent, OpenedClip } from '../contract/types';

/** Clips remembered for a restart (the oldest dropped): one user opens a few a session. */
const MAX_REOPENED_CLIPS = 200;
/** Clips probed at once when a new process opens them again. */
const REOPEN_AT_ONCE = 4;

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
  /**
   * Start a process; `restarts`: how many were started before it. Its job ids must differ from the
   * earlier processes' (they count from job-1 again): the window still holds those jobs, ended.
   */
  spawn: (restarts: number) => EngineChild;
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
  /** The clips opened through this host, id → path, oldest first. */
  private readonly opened = new Map<string, string>();
  /** While a new process is opening the clips again: calls and starts wait for it (null: sent at once). */
  private reopening: Promise<void> | null = null;
  /** Processes started after the first. */
  restarts = 0;

  constructor(private readonly opts: EngineHostOptions) {
    this.child = opts.spawn(0);
    this.client = createEngineClient(this.child.port);
    this.client.subscribe((e) => this.forward(e));
    this.watch(this.child);
  }

  call: EngineApi['call'] = async (op, req) => {
    if (this.reopening) await this.ready();
    const result = await this.client.call(op, req).then(this.alive);
    if (op === 'clip.open') this.remember(result as OpenedClip);
    return result;
  };

  start: EngineApi['start'] = async (op, req) => {
    if (this.reopening) await this.ready();
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
    this.client.disconnect(`the ${this.opts.name} has stopped`, 'engine-stopped');
    this.child.kill();
  }

  /** Wait for the clips to be open again in the newest process (a process that died meanwhile started another round). */
  private async ready(): Promise<void> {
    while (this.reopening) await this.reopening;
  }

  private remember(clip: OpenedClip): void {
    this.opened.delete(clip.id);
    this.opened.set(clip.id, clip.path);
    if (this.opened.size > MAX_REOPENED_CLIPS) this.opened.delete(this.opened.keys().next().value as string);
  }

  /**
   * Open the remembered clips in a new process under their old ids. Not counted as the process
   * answering (deathsInRow): only the user's calls say it works. A clip that cannot be opened any
   * more (moved, deleted) is forgotten; the window's next use of it says why.
   */
  private async reopenClips(): Promise<void> {
    const queue = [...this.opened];
    const next = async (): Promise<void> => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const [id, path] = item;
        try {
          await this.client.call('clip.open', { path, id });
        } catch (err) {
          if (err instanceof EngineError && err.code === 'engine-unavailable') return; // died again: the next process reopens them
          this.opened.delete(id);
          this.opts.log?.(`${path}: not opened again in the new ${this.opts.name} process (${err instanceof Error ? err.message : String(err)})`);
        }
      }
    };
    await Promise.all(Array.from({ length: REOPEN_AT_ONCE }, next));
  }

  private readonly alive = <T>(value: T): T => {
    this.deathsInRow = 0;
    return value;
  };

  private forward(e: EngineEvent): void {
    if (e.type === 'job-end') this.running.delete(e.jobId);
    // A job the engine started itself (the folder watcher's scan, a re-embed) is known by its progress alone.
    else if (e.type === 'progress') this.running.add(e.jobId);
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
    // Given up: a code of its own, so no front says it is reconnecting (review R1.2).
    const down = giveUp ? 'engine-stopped' : 'engine-unavailable';
    this.client.disconnect(reason, down);
    // A job ends with what became of it: the new process does not know it (review S19: its line waited for good).
    const error: ErrorData = { code: down, message: `stopped: ${reason}${giveUp ? '' : ' — run it again'}` };
    for (const jobId of [...this.running]) this.forward({ type: 'job-end', jobId, state: 'failed', error });
    if (giveUp) return;
    this.restarts += 1;
    this.child = this.opts.spawn(this.restarts);
    this.watch(this.child);
    this.client.reopen(this.child.port);
    if (this.opened.size === 0) return;
    const round: Promise<void> = this.reopenClips().finally(() => {
      if (this.reopening === round) this.reopening = null;
    });
    this.reopening = round;
  }
}
