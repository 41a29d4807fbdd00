import { spawn, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { isMainThread } from 'node:worker_threads';
import { cancelledError, inputError, NeedledropError } from '../errors';

/**
 * Running ffmpeg/ffprobe as child processes: one place that owns spawning, killing on abort,
 * keeping the tail of stderr, and turning it into a cause a user can read.
 */

export type ToolChild = ChildProcessByStdio<null, Readable, Readable>;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Keeps the last `max` non-empty stderr lines (ffmpeg repeats itself; the tail holds the cause). */
export class StderrTail {
  private lines: string[] = [];
  private partial = '';
  constructor(private readonly max = 12) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n|\r/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  private add(line: string): void {
    const t = line.trim();
    if (!t) return;
    this.lines.push(t);
    if (this.lines.length > this.max) this.lines.shift();
  }

  text(): string[] {
    if (this.partial.trim()) {
      this.add(this.partial);
      this.partial = '';
    }
    return [...this.lines];
  }
}

/**
 * A path as an ffmpeg/ffprobe argument that cannot be read as anything else: absolute (so a
 * name starting with "-" is not an option) behind the `file:` protocol (so "a:b.mp3" is not
 * protocol "a", and "|" or "?" are not special).
 */
export function mediaArg(file: string): string {
  return `file:${resolve(file)}`;
}

// ffmpeg prefixes most lines with "[demuxer @ 0x55…]" or the input as given: neither helps a user.
function clean(line: string, file: string): string {
  let l = line.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/i, '');
  for (const name of [mediaArg(file), resolve(file), file]) {
    if (l.startsWith(name + ':')) {
      l = l.slice(name.length + 1).trim();
      break;
    }
  }
  return l;
}

const NOISE = /^(Conversion failed!|Exiting normally|Error opening output files?:|Error while opening encoder|Press \[q\])/i;

/**
 * ffmpeg's words about the output it could then not set up, after the input's own cause: read in a
 * skip reason as if Needledrop failed to write something (review R1.14). Kept when they are all there is.
 */
const OUTPUT_SIDE = /^(Could not write header for output file|Error initializing output stream)/i;

/** A short cause from ffmpeg's stderr tail: the last distinct meaningful lines, most specific first. */
export function describeStderr(lines: string[], file: string): string {
  const meaningful = lines.map((l) => clean(l, file)).filter((l) => l && !NOISE.test(l));
  const input = meaningful.filter((l) => !OUTPUT_SIDE.test(l));
  const kept = input.length > 0 ? input : meaningful;
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = kept.length - 1; i >= 0 && out.length < 3; i--) {
    if (seen.has(kept[i])) continue;
    seen.add(kept[i]);
    out.push(kept[i]);
  }
  return out.reverse().join('; ');
}

/** ffmpeg's wording → a plain cause; the first match wins, so the specific come before the vague. */
const PLAIN_CAUSES: ReadonlyArray<[RegExp, string]> = [
  [/No such file or directory/i, 'file not found'],
  [/Permission denied/i, 'permission denied'],
  [/Is a directory/i, 'is a folder, not a media file'],
  [/Not a directory/i, 'a folder in the path is a file'],
  [/No space left on device/i, 'the disk is full'],
  [/moov atom not found|partial file|Truncating packet|truncated|End of file|premature end|Packet corrupt|Invalid frame size|stream ends prematurely/i, 'the file is cut short or damaged'],
  [/matches no streams|does not contain any stream|Output file #?\d* does not contain|no (audio|video) stream/i, 'has no stream of the kind asked for'],
  [/Decoder \(codec [^)]*\) not found|Unsupported codec|unknown codec|no decoder/i, 'uses a codec this ffmpeg cannot decode'],
  [/Invalid data found when processing input|sample rate not set|Could not write header|Could not find codec parameters|Format [^ ]+ detected only with low score|Failed to read frame size|could not find sync|Header missing|Invalid argument|Input\/output error|EBML header parsing failed|invalid (?:header|chunk|frame)/i, 'not an audio or video file ffmpeg can read (or its header does not match its contents)'],
];

/** A plain cause for a user, with ffmpeg's own line kept after it as the detail. */
export function explain(cause: string): string {
  for (const [pattern, plain] of PLAIN_CAUSES) {
    if (!pattern.test(cause)) continue;
    // The first two read fine as they are; the others keep ffmpeg's words for whoever digs further.
    return plain === 'file not found' || plain === 'permission denied' ? plain : `${plain} (ffmpeg: ${cause})`;
  }
  return cause;
}

/**
 * Children still running, so a TERM/HUP/INT nobody else handles ends them too: ffmpeg writing to
 * a file (export) does not notice its parent die and would run on, re-parented.
 */
const live = new Set<ChildProcess>();
const GUARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];
const guards = new Map<NodeJS.Signals, () => void>();
let exitHooked = false;

function killLive(): void {
  for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

/** Stop listening once no child is left, so a process with no tool running keeps the default signal behaviour. */
function releaseGuards(): void {
  if (live.size > 0) return;
  for (const [sig, h] of guards) process.off(sig, h);
  guards.clear();
}

/**
 * Listen before the child exists: a TERM/HUP/INT arriving while `spawn` is still returning (the
 * tool already exec'd) would otherwise find no listener, kill node by default and orphan the tool.
 */
function guardSignals(): void {
  // Signal handlers only exist on the main thread (a worker's children die with the pipe they write to).
  if (guards.size > 0 || !isMainThread) return;
  for (const sig of GUARDED) {
    const h = (): void => {
      killLive();
      // Another listener (a front's cancel) owns what happens next; alone, keep the default: die by the signal.
      if (process.listenerCount(sig) === 1) {
        process.off(sig, h);
        process.kill(process.pid, sig);
      }
    };
    guards.set(sig, h);
    process.on(sig, h);
  }
  if (!exitHooked) process.on('exit', killLive);
  exitHooked = true;
}

function track(child: ChildProcess): void {
  live.add(child);
  child.once('close', () => {
    live.delete(child);
    releaseGuards();
  });
}

export interface Spawned {
  child: ToolChild;
  stderr: StderrTail;
  exited: Promise<Exit>;
  /** The extra output pipes asked for (fd 3, 4, …), in order: the tool writes to them as `pipe:3`, `pipe:4`, …. */
  outputs: Readable[];
  /** Kill (if still running), wait for the exit and detach the abort listener. Idempotent. */
  dispose(): Promise<Exit>;
}

/**
 * Spawn a tool with stdout piped; the process is SIGKILLed when `signal` aborts. `outputs` extra
 * pipes (fd 3 on) let one process write several streams apart (POSIX; Windows tools do not see them).
 * `input`, when given, is written to the tool's stdin, which is then closed. `files`: open
 * descriptors the tool gets after the pipes (fd 3 + outputs on), e.g. a spool file to write.
 */
export function spawnTool(path: string, args: string[], signal?: AbortSignal, outputs = 0, input?: Uint8Array, files: readonly number[] = []): Spawned {
  if (signal?.aborted) throw cancelledError('decoding');
  const stdio: Array<'ignore' | 'pipe' | number> = [input ? 'pipe' : 'ignore', 'pipe', 'pipe', ...Array.from({ length: outputs }, () => 'pipe' as const), ...files];
  guardSignals();
  let child: ToolChild;
  try {
    child = spawn(path, args, { stdio, windowsHide: true }) as unknown as ToolChild;
  } catch (err) {
    releaseGuards();
    throw err;
  }
  track(child);
  if (input) {
    const stdin = child.stdio[0] as unknown as Writable;
    // A tool that exits before reading all of it (it failed) shows up as EPIPE here; its exit code tells the story.
    stdin.on('error', () => undefined);
    stdin.end(input);
  }
  const extra = child.stdio.slice(3, 3 + outputs) as Readable[];
  const stderr = new StderrTail();
  child.stderr.on('data', (d: Buffer) => stderr.push(d));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', (err) => reject(new NeedledropError('internal', `could not start ${path}: ${err.message}`, { cause: err })));
    child.once('close', (code, sig) => resolve({ code, signal: sig }));
  });
  // A rejected `exited` nobody awaited yet must not crash the process.
  exited.catch(() => undefined);
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });
  let disposed: Promise<Exit> | undefined;
  const dispose = (): Promise<Exit> => {
    disposed ??= (async () => {
      kill();
      // Drain the pipes so 'close' can fire even if nobody reads them any more.
      child.stdout.resume();
      for (const o of extra) o.resume();
      try {
        return await exited;
      } finally {
        signal?.removeEventListener('abort', kill);
      }
    })();
    return disposed;
  };
  return { child, stderr, exited, outputs: extra, dispose };
}

/** Run a tool to completion and collect stdout; non-zero exit → inputError naming file and cause. */
export async function runTool(path: string, args: string[], file: string, signal?: AbortSignal): Promise<string> {
  const p = spawnTool(path, args, signal);
  const chunks: Buffer[] = [];
  p.child.stdout.on('data', (d: Buffer) => chunks.push(d));
  let exit: Exit;
  try {
    exit = await p.exited;
  } finally {
    await p.dispose().catch(() => undefined);
  }
  if (signal?.aborted) throw cancelledError('decoding');
  if (exit.code !== 0) {
    const cause = describeStderr(p.stderr.text(), file) || `exited with ${exit.code ?? exit.signal}`;
    throw inputError(file, explain(cause));
  }
  return Buffer.concat(chunks).toString('utf8');
}
