import { randomUUID } from 'node:crypto';
import { closeSync, openSync, statfsSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A private file on a RAM-backed file system (/dev/shm) that one decode's PCM is spooled into, so
 * node reads a track's PCM in a few 1 MiB reads after ffmpeg ends instead of ~650 pipe reads of
 * 32 KB, each a fresh buffer for V8 to collect (docs/catalog.md, 2026-12-01 08:15). The file is
 * unlinked the moment it is opened and reaches ffmpeg only as a descriptor, so no name is left
 * behind whatever ends the process; its RAM is freed when both descriptors close. Where there is
 * no /dev/shm (macOS, Windows), or not enough room in it, there is no spool: decode through a pipe.
 */

/** One decode's spool: the descriptor ffmpeg writes (the decode closes it) and the most PCM it may hold. */
export interface Spool {
  fd: number;
  cap: number;
}

/** Most PCM one decode may spool: 128 MiB is ~25 minutes of mono f32 at 22.05 kHz; a longer file is decoded through the pipe. */
export const SPOOL_CAP_BYTES = 128 * 2 ** 20;
/** Below this much room (~6 minutes of PCM) a spool would send most long tracks back to the pipe: not worth starting. */
export const SPOOL_MIN_BYTES = 32 * 2 ** 20;
/** What the spools leave free of their file system: a quarter of it, and at least this much. */
const RESERVE_MIN_BYTES = 256 * 2 ** 20;
const RESERVE_SHARE = 0.25;

/**
 * Where spools live: `NEEDLEDROP_PCM_SPOOL_ROOT` when set (another RAM-backed folder), else
 * /dev/shm; null where there is none, on Windows (no extra descriptors for a child), or with
 * `NEEDLEDROP_PCM_SPOOL=off`.
 */
export function spoolRoot(): string | null {
  if (process.platform === 'win32' || process.env.NEEDLEDROP_PCM_SPOOL === 'off') return null;
  const root = process.env.NEEDLEDROP_PCM_SPOOL_ROOT || '/dev/shm';
  try {
    return statSync(root).isDirectory() ? root : null;
  } catch {
    return null;
  }
}

/** Containers of uncompressed or losslessly compressed audio: about as many bytes as their PCM at 22.05 kHz mono f32 (CD-quality FLAC ~1×, WAV ~0.5×). */
const LOSSLESS = /\.(flac|wav|wave|aif|aiff|aifc|ape|wv|tta|w64|caf)$/i;
/** Bytes a second of a 128 kbit/s lossy stream: what a lossy file's size is read against. */
const LOSSY_BYTES_PER_SECOND = 16_000;

/**
 * A guess of a decode's PCM bytes from its file's size, erring high for common files: lossless
 * containers at their own size, anything else as a 128 kbit/s stream (a 320 kbit/s mp3 is
 * over-estimated 2.5×; a 32 kbit/s one under-estimated 4×, then the cap still stops it). A decode
 * whose guess exceeds its spool's cap goes straight to the pipe instead of being decoded twice
 * (an hour-long mix costs ~1.8× its pipe decode that way). `seconds`: the range asked for, if any.
 */
export function expectedPcmBytes(fileBytes: number, file: string, sampleRate: number, seconds?: number): number {
  const bytesPerSecond = sampleRate * 4;
  const guess = LOSSLESS.test(file) ? fileBytes : (fileBytes / LOSSY_BYTES_PER_SECOND) * bytesPerSecond;
  return seconds === undefined ? guess : Math.min(guess, seconds * bytesPerSecond);
}

/**
 * The RAM budget that all jobs share, of this process and any other: what the file system has
 * free beyond its reserve, checked before every decode, and at most SPOOL_CAP_BYTES for one.
 * Jobs that check at the same moment can still overcommit it; a spool that then runs out of
 * space fails its decode, which is decoded again through the pipe (see decodeAudioInto).
 */
export function spoolBudget(free: number, size: number): number {
  const room = free - Math.max(RESERVE_MIN_BYTES, size * RESERVE_SHARE);
  return room >= SPOOL_MIN_BYTES ? Math.min(SPOOL_CAP_BYTES, room) : 0;
}

/** A spool for one decode, or null (no root, no room, or the file could not be made): then decode through a pipe. */
export function openSpool(): Spool | null {
  const root = spoolRoot();
  if (root === null) return null;
  let cap: number;
  try {
    const fs = statfsSync(root);
    cap = spoolBudget(fs.bavail * fs.bsize, fs.blocks * fs.bsize);
  } catch {
    return null;
  }
  if (cap === 0) return null;
  const path = join(root, `needledrop-pcm-${process.pid}-${randomUUID()}`);
  let fd: number;
  try {
    // 'wx+': created here or not at all, so no one else's file or link can stand in for it.
    fd = openSync(path, 'wx+', 0o600);
  } catch {
    return null;
  }
  try {
    unlinkSync(path);
  } catch {
    closeSync(fd);
    return null;
  }
  return { fd, cap };
}

/**
 * Adds up the packet sizes of ffmpeg's framecrc lines ("stream, dts, pts, duration, size, crc";
 * lines starting with '#' are its header): the bytes ffmpeg wrote into the spool, as it says.
 */
export class PacketBytes {
  private partial = '';
  /** Bytes of the whole lines read so far. */
  total = 0;

  push(chunk: Buffer | string): void {
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.add(line);
  }

  private add(line: string): void {
    if (line === '' || line.startsWith('#')) return;
    const size = Number(line.split(',')[4]);
    // A line that is not a packet means the count cannot be trusted.
    this.total = Number.isInteger(size) && size >= 0 ? this.total + size : NaN;
  }

  /** The whole count once ffmpeg has ended, or NaN when its output was not whole lines of packets. */
  end(): number {
    return this.partial === '' ? this.total : NaN;
  }
}
