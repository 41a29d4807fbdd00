/**
 * What a confined front (the app's renderer, the browser bridge) may replace with `force` (review
 * R1.9): only a file of the kind Needledrop itself writes there, recognised by its content, so a
 * renderer that is compromised or simply wrong cannot overwrite the user's other files (a
 * config.json replaced by a plan document). The CLI is not confined: its user typed the path.
 */
import { mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { probe } from '../media/probe';
import { writeFileAtomic } from '../util/atomic-write';

/**
 * An output kind: what the user reads it as, and whether an existing file is one Needledrop wrote.
 * `recorded`: a media kind, whose format tells nothing (every video and .flac of the user is one:
 * review R5.8): replaced only when the record of outputs (below) lists the file as it is now.
 */
export interface OutputKind {
  what: string;
  is: (file: string) => Promise<boolean>;
  recorded?: boolean;
}

/**
 * The record of media files Needledrop wrote (exports, fit remixes), in the data folder, which a
 * confined front cannot write: each file's real path with the identity and size and time it had
 * when written. A file is "our own output" only while all of them still match: the user's own
 * video at that name, or our file changed since, is not. The newest MAX_RECORDED are kept.
 */
const RECORD_NAME = 'own-outputs.json';
const MAX_RECORDED = 2000;

interface RecordedOutput {
  path: string;
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
}

function identity(file: string): RecordedOutput | null {
  try {
    const path = realpathSync.native(file);
    const st = statSync(path, { bigint: true });
    return st.isFile() ? { path, dev: String(st.dev), ino: String(st.ino), size: String(st.size), mtimeNs: String(st.mtimeNs) } : null;
  } catch {
    return null;
  }
}

function readRecord(dataDir: string): RecordedOutput[] {
  try {
    const doc = JSON.parse(readFileSync(join(dataDir, RECORD_NAME), 'utf8')) as { outputs?: unknown };
    return Array.isArray(doc.outputs) ? (doc.outputs as RecordedOutput[]) : [];
  } catch {
    return []; // none yet, or unreadable: nothing is ours, so nothing is replaced (the safe side)
  }
}

/** Note `file` (just written by an export or a fit) as Needledrop's own output. */
export function recordOwnOutput(dataDir: string, file: string): void {
  const id = identity(file);
  if (id === null) return;
  const outputs = [...readRecord(dataDir).filter((o) => o.path !== id.path), id].slice(-MAX_RECORDED);
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileAtomic(join(dataDir, RECORD_NAME), JSON.stringify({ outputs }) + '\n');
  } catch {
    // The output is written whatever happens here; unrecorded, the app will only not replace it.
  }
}

/** Whether `file` is, as it is now, a media file Needledrop wrote (recordOwnOutput). */
export function isRecordedOutput(dataDir: string, file: string): boolean {
  const id = identity(file);
  return id !== null && readRecord(dataDir).some((o) => o.path === id.path && o.dev === id.dev && o.ino === id.ino && o.size === id.size && o.mtimeNs === id.mtimeNs);
}

/** The first `bytes` of a file as text (a plan, a playlist and hand-off files are small; their heads say what they are). */
async function head(file: string, bytes: number): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/** A plan document as fit.savePlan writes it (plan-file.ts planDocument): clip, track, plan.ranges and the command. */
export function isPlanDocument(text: string): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return false;
  const d = doc as Record<string, unknown>;
  const plan = d.plan as Record<string, unknown> | null | undefined;
  return typeof d.clip === 'string' && typeof d.track === 'string' && typeof d.command === 'string' && d.command.startsWith('needledrop fit ') && typeof plan === 'object' && plan !== null && Array.isArray(plan.ranges);
}

/** ffprobe's format names per output extension: a file renamed to .mp4 is not an MP4. */
const FORMATS: Record<string, string> = { '.mp4': 'mp4', '.m4v': 'mp4', '.mov': 'mov', '.mkv': 'matroska', '.webm': 'webm', '.wav': 'wav', '.flac': 'flac' };

/** A media file of the container its name says, with a stream of `type` (an export has a picture, a remix has sound). */
function media(type: 'video' | 'audio', what: string): OutputKind {
  return {
    what,
    recorded: true,
    is: async (file) => {
      const format = FORMATS[extname(file).toLowerCase()];
      if (!format) return false;
      try {
        const info = await probe(file);
        return info.container.split(',').includes(format) && info.streams.some((s) => s.type === type && !s.attachedPic);
      } catch {
        return false;
      }
    },
  };
}

/** A text file whose head `test` recognises. */
function text(what: string, test: (head: string) => boolean): OutputKind {
  return { what, is: async (file) => test(await head(file, 64 * 1024).catch(() => '')) };
}

export const OUTPUT_KINDS = {
  plan: { what: 'a fit plan Needledrop saved', is: async (file: string) => isPlanDocument(await head(file, 1024 * 1024).catch(() => '')) },
  video: media('video', 'a video file'),
  remix: media('audio', 'an audio file'),
  // A plain M3U has no header (one path a line): a text file named .m3u/.m3u8 is a playlist, a binary
  // one or another name is not (the e2e's plain "my own list" playlist was refused when #EXTM3U was asked).
  m3u: { what: 'an M3U playlist (a text file named .m3u8 or .m3u)', is: async (file: string) => /\.m3u8?$/i.test(file) && !(await head(file, 64 * 1024).catch(() => '\u0000')).includes('\u0000') },
  fcpxml: text('an FCPXML file', (h) => h.startsWith('<?xml') && h.includes('<fcpxml')),
  edl: text('an EDL', (h) => h.startsWith('TITLE: ')),
  markers: text('a markers CSV Needledrop wrote', (h) => h.startsWith('kind,seconds,timecode,frame,label')),
} satisfies Record<string, OutputKind>;

/**
 * Why an existing `file` may not be replaced by a confined request, or null when it may (it is not
 * there, or it is a file of `kind`). A link is never replaced: Needledrop writes none.
 */
export async function notOwnOutput(file: string, kind: OutputKind, dataDir?: string): Promise<string | null> {
  const st = await lstat(file).catch(() => null);
  if (st === null) return null;
  if (st.isSymbolicLink()) return 'is a symbolic link: the app replaces only a file it wrote; choose another name';
  if (!st.isFile()) return null; // a folder or device: the write's own checks refuse it in their words
  if (kind.recorded && !(dataDir !== undefined && isRecordedOutput(dataDir, file))) {
    return `exists and is not a file Needledrop wrote (${kind.what} the app exported or rendered, unchanged since): the app replaces only its own earlier output; choose another name, or remove the file yourself`;
  }
  if (await kind.is(file)) return null;
  return `exists and is not ${kind.what}: the app replaces only its own earlier output of that kind; choose another name, or remove the file yourself`;
}
