/**
 * Watching the library folders: when files appear, change or go, `onChange` is called once the
 * folders have settled, so the engine can run an incremental scan. fs.watch (recursive, where
 * the platform has it) only says "something moved"; the truth is a snapshot of the audio files
 * (path, size, mtime) compared with the last settled one. A file still being written (its size or
 * mtime moved between two snapshots `stableMs` apart) holds the change back until it stops
 * growing, so a half-copied track is never indexed. Where fs.watch cannot watch a folder, a
 * periodic snapshot (`pollMs`) stands in.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';
import { findAudioFiles, type DiskEntry } from './scan';

export interface WatchOptions {
  /** Quiet time after the last event before looking (ms). */
  debounceMs?: number;
  /** Two snapshots this far apart must agree before a change counts (ms). */
  stableMs?: number;
  /** Snapshot interval where fs.watch is unavailable (ms). */
  pollMs?: number;
  /** Force the periodic snapshot even where fs.watch works (tests of the fallback). */
  poll?: boolean;
  /** Diagnostics (watch errors); the engine prints nothing itself. */
  log?: (message: string) => void;
}

export interface FolderChange {
  added: string[];
  changed: string[];
  removed: string[];
}

type Snapshot = Map<string, string>;

const DEFAULTS = { debounceMs: 800, stableMs: 1500, pollMs: 30_000 };

/** Names a download or copy writes before renaming to the final name: never a reason to scan. */
const PARTIAL = /(^\.|\.(part|partial|crdownload|download|tmp)$)/i;

function snapshotOf(entries: DiskEntry[]): Snapshot {
  return new Map(entries.map((e) => [e.path, `${e.size}:${Math.trunc(e.mtimeMs)}`]));
}

function diff(before: Snapshot, after: Snapshot): FolderChange {
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [p, sig] of after) {
    const old = before.get(p);
    if (old === undefined) added.push(p);
    else if (old !== sig) changed.push(p);
  }
  for (const p of before.keys()) if (!after.has(p)) removed.push(p);
  return { added, changed, removed };
}

const same = (a: Snapshot, b: Snapshot): boolean => a.size === b.size && [...a].every(([p, s]) => b.get(p) === s);
const empty = (c: FolderChange): boolean => c.added.length + c.changed.length + c.removed.length === 0;

export class FolderWatcher {
  private readonly opts: Required<Omit<WatchOptions, 'log' | 'poll'>> & Pick<WatchOptions, 'log' | 'poll'>;
  private readonly watchers: FSWatcher[] = [];
  private settled: Snapshot | null = null;
  private candidate: Snapshot | null = null;
  private timer: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  private checking = false;
  private again = false;
  private closed = false;
  /** Resolves when the first snapshot is taken (changes are measured from it). */
  readonly ready: Promise<void>;

  constructor(
    private readonly folders: readonly string[],
    private readonly onChange: (change: FolderChange) => void,
    opts: WatchOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    let polling = opts.poll === true;
    if (!polling) {
      for (const folder of folders) {
        try {
          const w = watch(folder, { recursive: true, persistent: false }, (_event, name) => {
            if (typeof name === 'string' && PARTIAL.test(basename(name))) return;
            this.schedule(this.opts.debounceMs);
          });
          // E.g. ENOSPC (the system's inotify watches are used up by a huge tree): snapshots on a timer instead.
          w.on('error', (err) => {
            this.opts.log?.(`watch ${folder}: ${err.message}; polling every ${this.opts.pollMs} ms`);
            w.close();
            this.startPolling();
          });
          this.watchers.push(w);
        } catch (err) {
          // No recursive fs.watch here (or the folder is gone): snapshots on a timer instead.
          this.opts.log?.(`watch ${folder}: ${err instanceof Error ? err.message : String(err)}; polling every ${this.opts.pollMs} ms`);
          polling = true;
        }
      }
    }
    if (polling) this.startPolling();
    this.ready = this.snapshot().then(
      (s) => {
        this.settled ??= s;
      },
      (err: unknown) => this.opts.log?.(`watch: first snapshot failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  private startPolling(): void {
    if (this.poller || this.closed) return;
    this.poller = setInterval(() => this.schedule(0), this.opts.pollMs);
    this.poller.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearInterval(this.poller);
    for (const w of this.watchers) w.close();
  }

  private async snapshot(): Promise<Snapshot> {
    return snapshotOf(await findAudioFiles(this.folders));
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), ms);
    this.timer.unref();
  }

  /** Compare a fresh snapshot with the settled one; report only once two snapshots agree. */
  private async check(): Promise<void> {
    if (this.checking) {
      this.again = true;
      return;
    }
    this.checking = true;
    try {
      await this.ready;
      const now = await this.snapshot();
      if (this.closed || !this.settled) return;
      if (same(now, this.settled)) {
        this.candidate = null;
        return;
      }
      if (this.candidate && same(now, this.candidate)) {
        const change = diff(this.settled, now);
        this.settled = now;
        this.candidate = null;
        if (!empty(change)) this.onChange(change);
        return;
      }
      // Something moved since the last look (a file still growing): look again when it may have settled.
      this.candidate = now;
      this.schedule(this.opts.stableMs);
    } catch (err) {
      this.opts.log?.(`watch: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.checking = false;
      if (this.again) {
        this.again = false;
        this.schedule(this.opts.debounceMs);
      }
    }
  }
}
