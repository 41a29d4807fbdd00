import { access, constants, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { inputError } from '../errors';
import { ffmpegPath, ffprobePath } from './ffmpeg-path';
import { mediaArg, runTool } from './process';
import { errnoWords } from '../util/errno';

/** What ffprobe tells us about a file, reduced to what the engine uses. */
export interface StreamInfo {
  index: number;
  type: 'video' | 'audio' | 'subtitle' | 'data' | 'other';
  codec: string;
  /** Seconds (a length, from the stream's start), when the stream states it. */
  duration?: number;
  /** Video: average frame rate (frames/s). */
  fps?: number;
  /** Video: the stream states one frame rate (its base rate equals its average): a constant-rate stream. */
  constantRate?: boolean;
  /** Video: coded size in pixels (before rotation). */
  width?: number;
  height?: number;
  /** Video: display rotation in degrees (0, 90, 180, 270; from the display matrix or rotate tag). */
  rotation?: number;
  /** Video: sample (pixel) aspect ratio, 1 when square or unknown. */
  sampleAspect?: number;
  /** Audio: Hz. */
  sampleRate?: number;
  channels?: number;
  channelLayout?: string;
  /** A still image attached to the file (cover art), not a moving picture. */
  attachedPic: boolean;
}

export interface MediaInfo {
  file: string;
  /** ffprobe's format name, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  container: string;
  /** Seconds from the first timestamp to the end (not the end timestamp: a clip may start at 2 s). */
  duration: number;
  /** Where `duration` came from: the container, the longest stream, or a demux pass to the end. */
  durationSource: 'container' | 'stream' | 'scan';
  sizeBytes: number;
  /** Bits per second, when known. */
  bitRate?: number;
  streams: StreamInfo[];
  tags: { title?: string; artist?: string; album?: string };
  /** The container's own tags as ffprobe names them (creation_time, location, com.apple.quicktime.*, …). */
  formatTags: Record<string, string>;
}

interface RawStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  start_time?: string;
  duration?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  sample_rate?: string;
  channels?: number;
  channel_layout?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface RawProbe {
  format?: { format_name?: string; start_time?: string; duration?: string; bit_rate?: string; tags?: Record<string, string> };
  streams?: RawStream[];
}

function positive(v: string | number | undefined): number | undefined {
  const n = typeof v === 'string' ? Number(v) : v;
  return n !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}

function ratio(r: string | undefined): number | undefined {
  if (!r) return undefined;
  const [a, b] = r.split(/[/:]/).map(Number);
  return b ? positive(a / b) : positive(a);
}

// Matroska writes per-stream durations only as a "DURATION" tag, e.g. "00:01:02.345000000".
function tagDuration(tags: Record<string, string> | undefined): number | undefined {
  const t = tags && Object.entries(tags).find(([k]) => k.toUpperCase() === 'DURATION')?.[1];
  const m = t?.match(/^(\d+):(\d+):(\d+(?:\.\d+)?)$/);
  return m ? positive(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) : undefined;
}

// Clockwise degrees, like the legacy "rotate" tag; the display matrix states it counter-clockwise.
function rotationOf(s: RawStream): number {
  const side = s.side_data_list?.find((d) => typeof d.rotation === 'number')?.rotation;
  const cw = side !== undefined ? -side : Number(s.tags?.rotate ?? 0);
  const r = Math.round((Number.isFinite(cw) ? cw : 0) / 90) * 90;
  return ((r % 360) + 360) % 360;
}

function streamType(t: string | undefined): StreamInfo['type'] {
  return t === 'video' || t === 'audio' || t === 'subtitle' || t === 'data' ? t : 'other';
}

/**
 * Whether ffprobe's durations for this container are end timestamps (counted from 0) rather than
 * lengths: Matroska/WebM's segment duration and the DURATION tags ffmpeg writes per track, and
 * MP4/MOV's movie duration (an empty edit before the first frame counts in it), are. A clip whose
 * first timestamp is 2 s states 11.64 s for 9.64 s of picture (review R16). MPEG-TS, MP3, Ogg
 * and FLAC durations are lengths already (the MP3's start is its decoder delay, not a gap).
 */
export function durationsAreEnds(container: string): boolean {
  return /matroska|webm|mov|mp4/.test(container);
}

/** A duration the container states, as a length: an end timestamp less the (positive part of the) start. */
function asLength(duration: number | undefined, start: string | undefined, endBased: boolean): number | undefined {
  if (duration === undefined || !endBased) return duration;
  const s = Number(start);
  return positive(duration - (Number.isFinite(s) && s > 0 ? s : 0));
}

function toStream(s: RawStream, endBased: boolean): StreamInfo {
  const type = streamType(s.codec_type);
  const out: StreamInfo = { index: s.index, type, codec: s.codec_name ?? 'unknown', attachedPic: s.disposition?.attached_pic === 1 };
  // A stream's own duration field is a length (MP4's track duration); Matroska's DURATION tag is where the track ends.
  const duration = positive(s.duration) ?? asLength(tagDuration(s.tags), s.start_time, endBased);
  if (duration !== undefined) out.duration = duration;
  if (type === 'video') {
    const fps = ratio(s.avg_frame_rate) ?? ratio(s.r_frame_rate);
    if (fps !== undefined && !out.attachedPic) out.fps = fps;
    const base = ratio(s.r_frame_rate);
    if (fps !== undefined && base !== undefined && Math.abs(base - fps) <= 1e-9 * base) out.constantRate = true;
    if (s.width) out.width = s.width;
    if (s.height) out.height = s.height;
    out.rotation = rotationOf(s);
    out.sampleAspect = ratio(s.sample_aspect_ratio) ?? 1;
  } else if (type === 'audio') {
    const sr = positive(s.sample_rate);
    if (sr !== undefined) out.sampleRate = sr;
    if (s.channels) out.channels = s.channels;
    if (s.channel_layout) out.channelLayout = s.channel_layout;
  }
  return out;
}

function pickTags(tags: Record<string, string> | undefined): MediaInfo['tags'] {
  const out: MediaInfo['tags'] = {};
  for (const [k, v] of Object.entries(tags ?? {})) {
    const key = k.toLowerCase();
    if ((key === 'title' || key === 'artist' || key === 'album') && v.trim()) out[key] = v.trim();
  }
  return out;
}

/** Refuse what is not a readable regular file before ffprobe does, with a plainer message. */
export async function checkReadableFile(file: string): Promise<number> {
  let st;
  try {
    st = await stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw inputError(file, code === 'ENOENT' ? 'file not found' : `cannot read (${errnoWords(err)})`, err);
  }
  if (st.isDirectory()) throw inputError(file, 'is a directory, not a media file');
  if (!st.isFile()) throw inputError(file, 'is not a regular file');
  if (st.size === 0) throw inputError(file, 'empty file (0 bytes)');
  try {
    await access(file, constants.R_OK);
  } catch (err) {
    throw inputError(file, 'permission denied', err);
  }
  return st.size;
}

/**
 * Seconds of the streams `spec` selects ("a:0", or all audio and video when absent), from their
 * first packet's timestamp to the end of their last packet, by demuxing the whole file without
 * decoding it: how long a file cut short really is, whatever its header states. The end is the
 * latest packet's start plus its own duration (framecrc lists both per packet): a progress
 * report's out_time is only the last packet's start, a video frame short of the picture (review
 * R3: 4.873 for 4.938 s of frames). Counted from the selected streams' first timestamp, not from
 * 0: ffmpeg shifts packets by the file's earliest start, and a picture that begins 25 ms after
 * the sound (or a clip whose timestamps start at 2 s, review R16) would be counted too long.
 */
export async function streamEnd(file: string, spec?: string, signal?: AbortSignal): Promise<number | undefined> {
  const maps = spec ? ['-map', `0:${spec}`] : ['-map', '0:a?', '-map', '0:v?'];
  const out = await runTool(
    ffmpegPath(),
    ['-nostdin', '-v', 'error', '-nostats', '-i', mediaArg(file), ...maps, '-c', 'copy', '-f', 'framecrc', '-'],
    file,
    signal,
  );
  const span = packetsSpan(out);
  return span && positive(span.end - span.first);
}

/** The latest pts + duration over framecrc's packet lines, in seconds of each stream's time base ("#tb N: a/b"). */
export function packetsEnd(framecrc: string): number | undefined {
  return packetsSpan(framecrc)?.end;
}

/** The earliest pts and the latest pts + duration over framecrc's packet lines, in seconds. */
export function packetsSpan(framecrc: string): { first: number; end: number } | undefined {
  const timeBase = new Map<number, number>();
  let span: { first: number; end: number } | undefined;
  for (const line of framecrc.split('\n')) {
    if (line.startsWith('#')) {
      const tb = /^#tb (\d+): (\d+)\/(\d+)/.exec(line);
      if (tb) timeBase.set(Number(tb[1]), Number(tb[2]) / Number(tb[3]));
      continue;
    }
    const [stream, , pts, duration] = line.split(',').map((f) => Number(f.trim()));
    const base = timeBase.get(stream);
    // A packet without a timestamp reads as −2⁶³: it neither starts nor ends anything.
    if (base === undefined || !Number.isFinite(pts) || pts < -1e15) continue;
    const first = pts * base;
    const end = (pts + (duration > 0 ? duration : 0)) * base;
    span = span ? { first: Math.min(span.first, first), end: Math.max(span.end, end) } : { first, end };
  }
  return span;
}

/** ffprobe a file into a MediaInfo; bad input → inputError naming the file and the cause. */
export async function probe(file: string, opts: { signal?: AbortSignal } = {}): Promise<MediaInfo> {
  const sizeBytes = await checkReadableFile(file);
  const json = await runTool(
    ffprobePath(),
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', mediaArg(file)],
    file,
    opts.signal,
  );
  let raw: RawProbe;
  try {
    raw = JSON.parse(json) as RawProbe;
  } catch (err) {
    throw inputError(file, 'ffprobe returned unreadable output', err);
  }
  const container = raw.format?.format_name ?? 'unknown';
  // ffprobe reads any text file as "tty" (ANSI art): that is never media we can use.
  if (container === 'tty') throw inputError(file, 'a text file, not audio or video');
  const endBased = durationsAreEnds(container);
  const streams = (raw.streams ?? []).map((s) => toStream(s, endBased));
  if (!streams.some((s) => s.type === 'audio' || (s.type === 'video' && !s.attachedPic))) {
    throw inputError(file, 'no audio or video stream');
  }
  let duration = asLength(positive(raw.format?.duration), raw.format?.start_time, endBased);
  let durationSource: MediaInfo['durationSource'] = 'container';
  if (duration === undefined) {
    const fromStreams = streams.map((s) => (s.attachedPic ? 0 : (s.duration ?? 0)));
    duration = positive(Math.max(0, ...fromStreams));
    durationSource = 'stream';
  }
  if (duration === undefined) {
    duration = await streamEnd(file, undefined, opts.signal);
    durationSource = 'scan';
  }
  if (duration === undefined) throw inputError(file, 'no decodable content (duration is zero)');
  const info: MediaInfo = { file, container, duration, durationSource, sizeBytes, streams, tags: {
    // Ogg/Opus keep Vorbis comments on the audio stream, not the container: fall back to them.
    ...pickTags(raw.streams?.find((s) => s.codec_type === 'audio')?.tags),
    ...pickTags(raw.format?.tags),
  }, formatTags: { ...raw.format?.tags } };
  const bitRate = positive(raw.format?.bit_rate);
  if (bitRate !== undefined) info.bitRate = bitRate;
  return info;
}

/** The first moving-picture stream (cover art does not count). */
export function videoStream(info: MediaInfo): StreamInfo | undefined {
  return info.streams.find((s) => s.type === 'video' && !s.attachedPic);
}

export function audioStream(info: MediaInfo): StreamInfo | undefined {
  return info.streams.find((s) => s.type === 'audio');
}

/** Image codecs by the name a user knows them by (ffprobe's codec names). */
const IMAGE_NAMES: Readonly<Record<string, string>> = { mjpeg: 'JPEG', png: 'PNG', gif: 'GIF', webp: 'WebP', bmp: 'BMP', tiff: 'TIFF', svg: 'SVG', jpeg2000: 'JPEG 2000', qoi: 'QOI', pam: 'PAM', ppm: 'PPM' };

/** The picture of a file ffprobe read as an image: an image reader's format (`*_pipe`, `image2`) or GIF, and no stream but pictures. */
function imageStream(info: MediaInfo): StreamInfo | undefined {
  const picture = info.streams.find((s) => s.type === 'video');
  return /(_pipe|^image2|^gif)$/.test(info.container) && picture !== undefined && info.streams.every((s) => s.type === 'video') ? picture : undefined;
}

const imageName = (s: StreamInfo): string => IMAGE_NAMES[s.codec] ?? s.codec.toUpperCase();

/**
 * Why a file without an audio stream is not music, naming what it is when ffprobe read it as a
 * still image (its format a `*_pipe` or `image2` image reader, or GIF): "has no audio stream" alone
 * left a PNG named .mp3 a puzzle (review R1.14).
 */
export function noAudioCause(info: MediaInfo): string {
  const picture = imageStream(info);
  if (!picture) return 'has no audio stream';
  return `an image (${imageName(picture)}), not audio: named ${extname(info.file) || 'without an extension'}`;
}

/**
 * Why a file with a picture is still no clip: a still image, which ffprobe reads as a video of one
 * frame (a PNG or JPEG lasts 0.04 s at its assumed 25 fps), so it was opened as a clip and refused
 * only as "too short". Null for a moving picture; an animated GIF is one.
 */
export function stillImageCause(info: MediaInfo): string | null {
  const picture = imageStream(info);
  // A GIF of more than one frame moves (ffprobe gives a one-frame GIF a rate too: its length tells).
  if (!picture || (info.container === 'gif' && picture.fps !== undefined && info.duration * picture.fps >= 1.5)) return null;
  return `is an image, not a video (ffprobe reads one ${imageName(picture)} picture: codec ${picture.codec}, format ${info.container}): open a video clip`;
}

/** Display width/height ratio of a video stream, after pixel aspect and rotation. */
export function displayAspect(s: StreamInfo): number {
  if (!s.width || !s.height) return 16 / 9;
  const a = (s.width * (s.sampleAspect ?? 1)) / s.height;
  return s.rotation === 90 || s.rotation === 270 ? 1 / a : a;
}

/** What the analyzer needs of a probe, read from the input dump of the decoding ffmpeg itself. */
export interface InputHeader {
  /** ffmpeg's format name, as ffprobe's `container`. */
  container: string;
  /** Seconds the container states, to the centisecond ffmpeg prints; absent when it states none (N/A or 0). */
  duration?: number;
  tags: MediaInfo['tags'];
  /**
   * False when a title, artist or album value may differ from ffprobe's: the dump cuts a value's
   * lines at 255 bytes and prints a multi-line value over several lines.
   */
  tagsExact: boolean;
  /** A video stream that is not cover art (an "(attached pic)"): the file holds a moving picture. */
  picture: boolean;
}

/** The dump prints each metadata value in pieces of at most this many bytes. */
const DUMP_VALUE_MAX_BYTES = 255;

/**
 * Parse ffmpeg's "Input #0" dump (stderr at `-loglevel level+info`, as decodeAudio's
 * onInputDump hands it over): the same libavformat fields ffprobe reports, so a decode can stand
 * in for a probe. Tags as probe(): the first audio stream's, then the container's over them.
 * `input` picks "Input #1", … of a run with several inputs (decodeAudioBatch). Null when there is
 * no such input or no audio stream in it.
 */
export function parseInputDump(dump: string, input = 0): InputHeader | null {
  let container: string | undefined;
  let duration: number | undefined;
  const formatTags: Record<string, string> = {};
  let audioTags: Record<string, string> | undefined;
  let tagsExact = true;
  let picture = false;
  /** The tags of the stream whose lines these are (indent 4 and deeper below a "  Stream #0:N" line). */
  let stream: Record<string, string> | null = null;
  /** The metadata block the following key lines go to, and their indent. */
  let block: { tags: Record<string, string>; indent: string } | null = null;
  let lastKey: string | null = null;
  const wanted = (key: string): boolean => /^(title|artist|album)$/i.test(key);
  for (const raw of dump.split('\n')) {
    const tagged = /^\[info\] (.*)$/.exec(raw);
    if (!tagged) {
      // An untagged line continues the value above (other levels' lines are tagged too, and skipped).
      if (!/^(\[[^\]]+ @ 0x[0-9a-f]+\] )?\[\w+\] /i.test(raw) && raw.trim() && lastKey !== null && wanted(lastKey)) tagsExact = false;
      continue;
    }
    const line = tagged[1];
    if (container === undefined) {
      container = new RegExp(`^Input #${input}, (.+?), from '`).exec(line)?.[1];
      continue;
    }
    // The next input's dump: this one's ended (its lines start at column 0, values never do).
    if (/^Input #\d+, /.test(line)) break;
    if (block && line.startsWith(block.indent) && line[block.indent.length] !== ' ') {
      const kv = /^(.*?) *: (.*)$/.exec(line.slice(block.indent.length));
      if (kv) {
        lastKey = kv[1];
        block.tags[kv[1]] = kv[2];
        if (wanted(kv[1]) && Buffer.byteLength(kv[2]) >= DUMP_VALUE_MAX_BYTES) tagsExact = false;
        continue;
      }
    }
    block = null;
    lastKey = null;
    if (!line.startsWith('    ')) stream = null;
    if (line === '  Metadata:') {
      block = { tags: formatTags, indent: '    ' };
    } else if (line === '    Metadata:' && stream) {
      block = { tags: stream, indent: '      ' };
    } else if (line.startsWith('  Duration: ')) {
      const d = /^ {2}Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?),/.exec(line);
      duration = d ? positive(Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3])) : undefined;
    } else if (line.startsWith(`  Stream #${input}:`)) {
      // Only the first audio stream's tags count (as in probe()); other streams' go nowhere.
      stream = /: Audio: /.test(line) && !audioTags ? (audioTags = {}) : {};
      if (/: Video: /.test(line) && !/\(attached pic\)/.test(line)) picture = true;
    }
  }
  if (container === undefined || !audioTags) return null;
  return { container, ...(duration !== undefined ? { duration } : {}), tags: { ...pickTags(audioTags), ...pickTags(formatTags) }, tagsExact, picture };
}
