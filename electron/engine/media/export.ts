/**
 * Export a clip with a track as its soundtrack: the clip's picture (stream-copied when the output
 * container accepts its codec, re-encoded otherwise), the track from `offset` (its own audio is
 * dropped), faded in and out, loudness-normalised with ffmpeg's loudnorm in one pass (dynamic
 * mode: good to about ±1 LU on music, no second analysis pass), exactly as long as the clip's
 * video. When the track runs out before the clip ends, it fades out at its end and silence fills
 * the rest; an offset at or past the track's end is an input error (we do not loop music).
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { cancelledError, inputError, NeedledropError, usageError } from '../errors';
import { ffmpegPath } from './ffmpeg-path';
import { audioStream, probe, videoStream } from './probe';
import { describeStderr, spawnTool } from './process';

export interface ExportOptions {
  clip: string;
  track: string;
  /** Seconds into the track where the soundtrack starts; default 0. */
  offset?: number;
  out: string;
  /** Fade-in and fade-out length in seconds (0 = none); default 0.5, at most half the audible part. */
  fade?: number;
  /** Integrated loudness target in LUFS; default −14 (streaming platforms' reference). */
  loudness?: number;
  /** Overwrite `out` if it exists; default false. */
  force?: boolean;
  signal?: AbortSignal;
}

export interface ExportResult {
  out: string;
  /** Seconds: the clip's video duration, which the output matches. */
  duration: number;
  container: Container;
  videoCodec: string;
  /** True when the clip's video was copied bit for bit. */
  videoCopied: boolean;
  audioCodec: 'aac' | 'opus';
  /** Seconds of the track that are heard; less than `duration` when silence pads the end. */
  audible: number;
  fade: number;
  loudness: number;
}

type Container = 'mp4' | 'mov' | 'matroska' | 'webm';

const CONTAINERS: Record<string, Container> = { '.mp4': 'mp4', '.m4v': 'mp4', '.mov': 'mov', '.mkv': 'matroska', '.webm': 'webm' };

/** Video codecs each container takes as they are (Matroska takes anything). */
const COPYABLE: Record<Container, ReadonlySet<string> | 'any'> = {
  mp4: new Set(['h264', 'hevc', 'mpeg4', 'av1', 'vp9']),
  mov: new Set(['h264', 'hevc', 'mpeg4', 'prores', 'mjpeg']),
  matroska: 'any',
  webm: new Set(['vp8', 'vp9', 'av1']),
};

function videoArgs(container: Container, codec: string): { args: string[]; copied: boolean } {
  const ok = COPYABLE[container];
  if (ok === 'any' || ok.has(codec)) return { args: ['-c:v', 'copy'], copied: true };
  return container === 'webm'
    ? { args: ['-c:v', 'libvpx-vp9', '-crf', '32', '-b:v', '0', '-deadline', 'good', '-cpu-used', '4', '-row-mt', '1', '-pix_fmt', 'yuv420p'], copied: false }
    : { args: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p'], copied: false };
}

function checkNumber(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v) || v < lo || v > hi) throw usageError(`${name} must be a number in [${lo}, ${hi}], got ${v}`);
  return v;
}

const r3 = (x: number): string => x.toFixed(3);

/** The soundtrack filter: loudness first (so the fades are not undone), then fades, then pad/trim to the clip. */
export function soundtrackFilter(audible: number, duration: number, fade: number, loudness: number, sampleRate: number): string {
  // aformat also gives tracks with an unset channel layout one (loudnorm cannot pass them on).
  const parts = [`loudnorm=I=${loudness}:TP=-1.5:LRA=11`, `aformat=sample_rates=${sampleRate}:channel_layouts=stereo`];
  if (fade > 0) parts.push(`afade=t=in:st=0:d=${r3(fade)}`, `afade=t=out:st=${r3(audible - fade)}:d=${r3(fade)}`);
  parts.push(`apad=whole_dur=${r3(duration)}`, `atrim=end=${r3(duration)}`);
  return `[1:a:0]${parts.join(',')}[a]`;
}

export async function exportClipWithTrack(o: ExportOptions): Promise<ExportResult> {
  const offset = checkNumber('offset', o.offset ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const fadeAsked = checkNumber('fade', o.fade ?? 0.5, 0, 60);
  const loudness = checkNumber('loudness', o.loudness ?? -14, -70, -5);
  const container = CONTAINERS[extname(o.out).toLowerCase()];
  if (!container) throw usageError(`${o.out}: output must end in ${Object.keys(CONTAINERS).join(', ')}`);
  const out = resolve(o.out);
  if (out === resolve(o.clip) || out === resolve(o.track)) throw usageError(`${o.out}: the output cannot be one of the inputs`);
  if (!o.force && existsSync(out)) throw inputError(o.out, 'already exists (pass --force to overwrite it)');

  const [clipInfo, trackInfo] = await Promise.all([probe(o.clip, { signal: o.signal }), probe(o.track, { signal: o.signal })]);
  const video = videoStream(clipInfo);
  if (!video) throw inputError(o.clip, 'has no video stream to put the track under');
  const audio = audioStream(trackInfo);
  if (!audio) throw inputError(o.track, 'has no audio stream');
  const duration = video.duration ?? clipInfo.duration;
  const trackSeconds = audio.duration ?? trackInfo.duration;
  if (offset >= trackSeconds) {
    throw inputError(o.track, `offset ${offset} s is at or past the end of the track (${trackSeconds.toFixed(2)} s long)`);
  }
  const audible = Math.min(duration, trackSeconds - offset);
  const fade = Math.min(fadeAsked, audible / 2);
  const audioCodec = container === 'webm' ? 'opus' : 'aac';
  const { args: vArgs, copied } = videoArgs(container, video.codec);

  const part = join(dirname(out), `.part-${basename(out)}`);
  const args = [
    '-nostdin', '-hide_banner', '-loglevel', 'error', '-y',
    '-i', o.clip,
    '-ss', r3(offset), '-t', r3(audible), '-i', o.track,
    '-filter_complex', soundtrackFilter(audible, duration, fade, loudness, 48000),
    '-map', `0:${video.index}`, '-map', '[a]',
    ...vArgs,
    ...(audioCodec === 'aac' ? ['-c:a', 'aac', '-b:a', '192k'] : ['-c:a', 'libopus', '-b:a', '160k']),
    ...(container === 'mp4' || container === 'mov' ? ['-movflags', '+faststart'] : []),
    '-f', container, part,
  ];
  const p = spawnTool(ffmpegPath(), args, o.signal);
  p.child.stdout.resume();
  try {
    const exit = await p.exited;
    if (o.signal?.aborted) throw cancelledError('export');
    if (exit.code !== 0) {
      const cause = describeStderr(p.stderr.text(), o.clip) || `ffmpeg exited with ${exit.code ?? exit.signal}`;
      throw new NeedledropError('input', `export of ${o.clip} with ${o.track} failed: ${cause}`, { file: o.clip });
    }
    // Checked again: another process may have created the file while we encoded.
    if (!o.force && existsSync(out)) throw inputError(o.out, 'already exists (pass --force to overwrite it)');
    await rename(part, out);
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  } finally {
    await p.dispose().catch(() => undefined);
  }
  return { out, duration, container, videoCodec: copied ? video.codec : container === 'webm' ? 'vp9' : 'h264', videoCopied: copied, audioCodec, audible, fade, loudness };
}
