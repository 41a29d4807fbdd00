import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
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

// ffmpeg prefixes most lines with "[demuxer @ 0x55…]" or the input path: neither helps a user.
function clean(line: string, file: string): string {
  let l = line.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/i, '');
  if (l.startsWith(file + ':')) l = l.slice(file.length + 1).trim();
  return l;
}

const NOISE = /^(Conversion failed!|Exiting normally|Error opening output files?:|Error while opening encoder|Press \[q\])/i;

/** A short cause from ffmpeg's stderr tail: the last distinct meaningful lines, most specific first. */
export function describeStderr(lines: string[], file: string): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = lines.length - 1; i >= 0 && out.length < 3; i--) {
    const l = clean(lines[i], file);
    if (!l || NOISE.test(l) || seen.has(l)) continue;
    seen.add(l);
    out.push(l);
  }
  return out.reverse().join('; ');
}

/** Known ffmpeg causes rewritten in words a user understands (the raw cause is kept after). */
export function explain(cause: string): string {
  if (/moov atom not found/i.test(cause)) return `corrupt or truncated file (${cause})`;
  if (/Invalid data found when processing input/i.test(cause)) return `not a media file ffmpeg can read (${cause})`;
  if (/Permission denied/i.test(cause)) return `permission denied`;
  if (/No such file or directory/i.test(cause)) return `file not found`;
  return cause;
}

export interface Spawned {
  child: ToolChild;
  stderr: StderrTail;
  exited: Promise<Exit>;
  /** Kill (if still running), wait for the exit and detach the abort listener. Idempotent. */
  dispose(): Promise<Exit>;
}

/** Spawn a tool with stdout piped; the process is SIGKILLed when `signal` aborts. */
export function spawnTool(path: string, args: string[], signal?: AbortSignal): Spawned {
  if (signal?.aborted) throw cancelledError('decoding');
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
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
      // Drain stdout so 'close' can fire even if nobody reads it any more.
      child.stdout.resume();
      try {
        return await exited;
      } finally {
        signal?.removeEventListener('abort', kill);
      }
    })();
    return disposed;
  };
  return { child, stderr, exited, dispose };
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
