/**
 * Watching the library folders: when files appear, change or go, `onChange` is called once the
 * folders have settled, so the engine can run an incremental scan. fs.watch (recursive, where
 * the platform has it) only says "something moved"; the truth is a snapshot of the audio files
 * (path, size, mtime) compared with the last settled one. A file still being written (its size or
 * mtime moved between two snapshots `stableMs` apart) holds the change back until it stops
 * growing, so a half-copied track is never indexed. Where fs.watch cannot watch a folder, a
 * periodic snapshot (`pollMs`) stands in, and `problem` says why (the app shows it).
 *
 * On Linux Node's recursive fs.watch is its own walk that stats every entry: one symbolic link loop
 * anywhere in a folder failed it with ELOOP, and watching fell back to the 30 s snapshot without a
 * word (review R1.9). There each folder the snapshot walks (the scan's folders: no hidden ones, no
 * linked ones) is watched on its own, which reads no entry, and the set follows each snapshot.
 *
 * The data folder, when it sits in a library folder, is left out as the scan leaves it out (the
 * snapshot is the scan's walk, given the same `dataFolder`): its catalog's writes, caches and
 * checkpoints are not the library's changes, and its folders are not watched.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { basename, join } from 'node:path';
import { errnoWords } from '../util/errno';
import { isUnder } from '../util/path-under';
import { findAudioFiles, type DiskEntry } from './scan';
import { errorMessage } from '../util/error-message';

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
  /** Called when `problem` changes: watching fell back to the periodic snapshot (a string), or is whole again (null). */
  onProblem?: (problem: string | null) => void;
  /** Needledrop's data folder: not walked nor watched where it sits inside a library folder (as the scan skips it). */
  dataFolder?: string;
}

export interface FolderChange {
  added: string[];
  changed: string[];
  removed: string[];
}

type Snapshot = Map<string, string>;

const DEFAULTS = { debounceMs: 800, stableMs: 1500, pollMs: 30_000 };

/** Where fs.watch is recursive by the system itself (FSEvents, ReadDirectoryChangesW) rather than by Node's own walk. */
const NATIVE_RECURSIVE = process.platform === 'darwin' || process.platform === 'win32';

/** Why fs.watch refused a folder, in words (ENOSPC from inotify is its watch limit, not a full disk). */
function watchCause(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC') return "the system's limit of watched folders is reached (raise fs.inotify.max_user_watches)";
  if (code === 'EMFILE') return "the system's limit of folder watchers is reached (raise fs.inotify.max_user_instances)";
  return errnoWords(err);
}

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
  private readonly opts: Required<Omit<WatchOptions, 'log' | 'poll' | 'onProblem' | 'dataFolder'>> & Pick<WatchOptions, 'log' | 'poll' | 'onProblem' | 'dataFolder'>;
  /** The fs.watch handles by folder: each root (recursive where that is native), else every folder walked. */
  private readonly watchers = new Map<string, FSWatcher>();
  private settled: Snapshot | null = null;
  private candidate: Snapshot | null = null;
  private timer: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  private checking = false;
  private again = false;
  private closed = false;
  /** Why the folders are looked at every `pollMs` rather than watched as files change, or null. */
  problem: string | null = null;
  /** Folders fs.watch refused, with the problem each makes (retried when a snapshot walks them again). */
  private readonly refused = new Map<string, string>();
  /** Resolves when the first snapshot is taken (changes are measured from it). */
  readonly ready: Promise<void>;

  constructor(
    private readonly folders: readonly string[],
    private readonly onChange: (change: FolderChange) => void,
    opts: WatchOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    if (opts.poll === true) this.startPolling();
    else for (const folder of folders) this.watchFolder(folder);
    this.update();
    this.ready = this.snapshot().then(
      (s) => {
        this.settled ??= s;
      },
      (err: unknown) => this.opts.log?.(`watch: first snapshot failed: ${errorMessage(err)}`),
    );
  }

  /** Watch one folder (with its subfolders where the system does that itself); a refusal turns on the periodic snapshot. */
  private watchFolder(dir: string): void {
    if (this.closed || this.watchers.has(dir)) return;
    const { dataFolder } = this.opts;
    try {
      const w = watch(dir, { recursive: NATIVE_RECURSIVE, persistent: false }, (_event, name) => {
        if (typeof name === 'string' && PARTIAL.test(basename(name))) return;
        // A system-recursive watch (macOS, Windows) hears the data folder's writes too (every catalog commit): not a change to look for.
        if (typeof name === 'string' && dataFolder !== undefined && isUnder(join(dir, name), dataFolder)) return;
        this.schedule(this.opts.debounceMs);
      });
      w.on('error', (err) => {
        w.close();
        this.watchers.delete(dir);
        this.fallBack(dir, err);
      });
      this.watchers.set(dir, w);
      this.refused.delete(dir);
    } catch (err) {
      this.fallBack(dir, err);
    }
  }

  private fallBack(dir: string, err: unknown): void {
    // A subfolder gone since the snapshot that listed it: the next snapshot drops it.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !this.folders.includes(dir)) return;
    const problem = `looking every ${Math.round(this.opts.pollMs / 1000)} s, not as files change: ${dir}: ${watchCause(err)}`;
    if (this.refused.get(dir) !== problem) this.opts.log?.(`watch: ${problem}`);
    this.refused.set(dir, problem);
    this.update();
  }

  /** The problem is the first refused folder's; the periodic snapshot runs while there is one (or when asked for). */
  private update(): void {
    const problem = this.refused.values().next().value ?? null;
    if (problem !== null) this.startPolling();
    else if (this.opts.poll !== true && this.poller) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
    if (problem === this.problem) return;
    this.problem = problem;
    this.opts.onProblem?.(problem);
  }

  /** Watch the folders a snapshot walked and no others (Linux: one watch per folder; roots always). */
  private follow(walked: ReadonlySet<string>): void {
    if (NATIVE_RECURSIVE || this.opts.poll === true || this.closed) return;
    for (const [dir, w] of this.watchers) {
      const root = this.folders.includes(dir);
      if (walked.has(dir) || (root && existsSync(dir))) continue;
      w.close();
      this.watchers.delete(dir);
      // A listed folder gone (a drive unplugged): said, looked for every pollMs, watched anew when back.
      if (root) this.fallBack(dir, Object.assign(new Error('gone'), { code: 'ENOENT' }));
    }
    // A refused subfolder no longer walked is no problem; a refused folder walked again (a drive back) is tried again.
    for (const dir of this.refused.keys()) if (!walked.has(dir) && !this.folders.includes(dir)) this.refused.delete(dir);
    for (const dir of [...this.refused.keys()].filter((d) => walked.has(d))) this.watchFolder(dir);
    const fresh = [...walked].filter((dir) => !this.watchers.has(dir) && !this.refused.has(dir));
    for (const dir of fresh) this.watchFolder(dir);
    this.update();
    // A file written in a new folder before its watch began: the next look sees it.
    if (fresh.length > 0 && this.settled) this.schedule(this.opts.debounceMs);
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
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  private async snapshot(): Promise<Snapshot> {
    const walked = new Set<string>();
    // A listed folder that is not there (an unplugged drive) holds nothing to watch: the others are still watched (the scan keeps its tracks).
    const present = this.folders.filter((f) => existsSync(f));
    const { dataFolder } = this.opts;
    const entries = await findAudioFiles(present, { onFolder: (dir) => walked.add(dir), ...(dataFolder !== undefined ? { dataFolder } : {}) });
    this.follow(walked);
    return snapshotOf(entries);
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
      this.opts.log?.(`watch: ${errorMessage(err)}`);
    } finally {
      this.checking = false;
      if (this.again) {
        this.again = false;
        this.schedule(this.opts.debounceMs);
      }
    }
  }
}
