/**
 * Export a clip with a track as its soundtrack: the clip's picture (stream-copied when the output
 * container accepts its codec, re-encoded otherwise), the track from `offset` (its own audio is
 * dropped), faded in and out, loudness-normalised with ffmpeg's loudnorm in one pass (dynamic
 * mode: good to about ±1 LU on music, no second analysis pass), exactly as long as the clip's
 * video. When the track runs out before the clip ends, it fades out at its end and silence fills
 * the rest; an offset at or past the track's end is an input error (we do not loop music).
 * "The track's end" is where its audio packets really end: a file cut short states more than it
 * holds, and the result then says so in `warnings` instead of passing silence off as the track.
 *
 * The output is written beside its final name, in a private folder made for this export
 * (mkdtemp: a fresh random name, never an existing file or a link), and moved into place only
 * when ffmpeg succeeded: without `force` by a hard link that fails if the name exists (nothing is
 * ever overwritten, even by a file created meanwhile), with `force` by an atomic rename. The
 * folder's name holds our pid, so one left by a killed export is removed by the next export into
 * that folder once that process is gone.
 */
import { existsSync, realpathSync } from 'node:fs';
import { link, lstat, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { cancelledError, codedError, inputError, NeedledropError, usageError } from '../errors';
import { pidAlive } from '../util/pid';
import { ffmpegPath } from './ffmpeg-path';
import { audioStream, probe, streamEnd, videoStream } from './probe';
import { describeStderr, explain, mediaArg, spawnTool } from './process';

export interface ExportOptions {
  clip: string;
  track: string;
  /** Seconds into the track heard at clip time `start`; default 0. */
  offset?: number;
  /**
   * Seconds into the clip where the track is at `offset` (a match over an In–Out range reports
   * offsets for its In point); default 0. The track plays at clip time t from offset + (t − start):
   * where that is before the track's own start, the clip is silent until the track begins.
   */
  start?: number;
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
  /** Seconds of silence before the track begins (the track's start falls inside the clip). */
  lead: number;
  /** Seconds of the track that are heard; less than `duration` when silence pads the end. */
  audible: number;
  fade: number;
  loudness: number;
  /** Things the user should hear about, e.g. a track cut short of the length it states. */
  warnings: string[];
}

export type Container = 'mp4' | 'mov' | 'matroska' | 'webm';

const CONTAINERS: Record<string, Container> = { '.mp4': 'mp4', '.m4v': 'mp4', '.mov': 'mov', '.mkv': 'matroska', '.webm': 'webm' };

/** Video codecs each container takes as they are (Matroska takes anything). */
const COPYABLE: Record<Container, ReadonlySet<string> | 'any'> = {
  mp4: new Set(['h264', 'hevc', 'mpeg4', 'av1', 'vp9']),
  mov: new Set(['h264', 'hevc', 'mpeg4', 'prores', 'mjpeg']),
  matroska: 'any',
  webm: new Set(['vp8', 'vp9', 'av1']),
};

/** The video codec arguments: a copy when the container takes the clip's codec, else a re-encode. */
export function videoArgs(container: Container, codec: string): { args: string[]; copied: boolean } {
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

/** A track whose audio ends this much before the length it states is cut short (not codec padding). */
const CUT_SHORT_SECONDS = 0.25;

/** The soundtrack filter: loudness first (so the fades are not undone), then fades, then pad/trim to the clip. */
export function soundtrackFilter(audible: number, duration: number, fade: number, loudness: number, sampleRate: number, floatPcm = false, lead = 0): string {
  // aformat also gives tracks with an unset channel layout one (loudnorm cannot pass them on).
  const parts = [`loudnorm=I=${loudness}:TP=-1.5:LRA=11`, `aformat=sample_rates=${sampleRate}:channel_layouts=stereo`];
  // Float PCM can hold NaN/Inf, which loudnorm and the encoders refuse: silence them first, as decoding does.
  if (floatPcm) parts.unshift(`aeval=exprs='if(isnan(val(ch))+isinf(val(ch)),0,val(ch))':channel_layout=same`);
  if (fade > 0) parts.push(`afade=t=in:st=0:d=${r3(fade)}`, `afade=t=out:st=${r3(audible - fade)}:d=${r3(fade)}`);
  // Per channel (stereo by now): adelay's `all` needs ffmpeg 4.2+.
  if (lead > 0) parts.push(`adelay=delays=${r3(lead * 1000)}|${r3(lead * 1000)}`);
  // Plain apad (endless) then atrim: apad's whole_dur needs ffmpeg 4.2+, and the bundled fallback build is 4.1.
  parts.push('apad', `atrim=end=${r3(duration)}`);
  return `[1:a:0]${parts.join(',')}[a]`;
}

/** Temp folders of exports: `.needledrop-export-<pid>-<random>` beside the output. */
export const TEMP_PREFIX = '.needledrop-export-';

/** Remove temp folders left in `dir` by exports whose process is gone (killed mid-way). */
export async function removeStaleExportTemps(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = Number(/^\.needledrop-export-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid || pidAlive(pid)) continue;
    const p = join(dir, name);
    // Only a real folder of ours; a link by that name is not followed (rm removes the link itself).
    const st = await lstat(p).catch(() => undefined);
    if (!st?.isDirectory()) continue;
    await rm(p, { recursive: true, force: true });
    removed.push(p);
  }
  return removed;
}

/** The output's folder must exist and be a folder, and the output must not be one. */
export async function checkOutput(out: string, given: string, force: boolean): Promise<void> {
  const dir = dirname(out);
  const dst = await stat(dir).catch((err: NodeJS.ErrnoException) => err);
  if (dst instanceof Error) {
    const cause = dst.code === 'ENOENT' ? `its folder ${dir} does not exist` : dst.code === 'ENOTDIR' ? `${dir} is under a file, not a folder` : `cannot use its folder ${dir} (${dst.code ?? dst.message})`;
    throw inputError(given, cause, dst);
  }
  if (!dst.isDirectory()) throw inputError(given, `${dir} is a file, not a folder`);
  const ost = await lstat(out).catch(() => undefined);
  if (ost?.isDirectory()) throw inputError(given, 'is a folder; give a file name for the output');
  if (ost && !force) throw codedError('exists', given, 'already exists');
}

/**
 * Move the finished file to `out`: never over an existing name unless `force`. `hardLink` is
 * fs's `link`; a test passes one that fails as on a file system without hard links.
 */
export async function publish(file: string, out: string, given: string, force: boolean, hardLink: (from: string, to: string) => Promise<void> = link): Promise<void> {
  if (force) {
    await rename(file, out);
    return;
  }
  try {
    await hardLink(file, out);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw codedError('exists', given, 'already exists', err);
    // File systems without hard links (FAT, some network shares): check, then rename.
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw err;
    if (existsSync(out)) throw codedError('exists', given, 'already exists');
    await rename(file, out);
  }
}

/** An export's options checked and defaulted (no file is touched). */
export interface ExportRequest {
  /** Seconds into the track heard at the clip's first frame (or at `lead`). */
  offset: number;
  /** Seconds of silence before the track begins (its start falls inside the clip). */
  lead: number;
  fadeAsked: number;
  loudness: number;
  container: Container;
  /** The output as an absolute path. */
  out: string;
  force: boolean;
}

/** Check an export's options: numbers in range, a known output extension, the output not an input. */
export function checkRequest(o: ExportOptions): ExportRequest {
  const asked = checkNumber('offset', o.offset ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const start = checkNumber('start', o.start ?? 0, 0, Number.MAX_SAFE_INTEGER);
  const offset = Math.max(0, asked - start);
  const lead = Math.max(0, start - asked);
  const fadeAsked = checkNumber('fade', o.fade ?? 0.5, 0, 60);
  const loudness = checkNumber('loudness', o.loudness ?? -14, -70, -5);
  const container = CONTAINERS[extname(o.out).toLowerCase()];
  if (!container) throw usageError(`${o.out}: output must end in ${Object.keys(CONTAINERS).join(', ')}`);
  const out = resolve(o.out);
  // Realpaths: through a link the output can be an input under another name, which --force replaced (review R15).
  const real = (p: string): string => (existsSync(p) ? realpathSync(p) : resolve(p));
  if ([o.clip, o.track].some((p) => real(p) === real(out))) throw usageError(`${o.out}: the output cannot be one of the inputs`);
  return { offset, lead, fadeAsked, loudness, container, out, force: o.force ?? false };
}

/** Lengths in seconds of the clip's video and the track's audio: as stated, and where their packets really end. */
export interface MediaLengths {
  statedVideo: number;
  /** undefined: no video packet could be read. */
  videoEnd: number | undefined;
  statedAudio: number;
  /** undefined: unknown (the stated length is trusted). */
  audioEnd: number | undefined;
}

/** Where the soundtrack sits in the output: all in seconds of the output. */
export interface SoundtrackPlan {
  /** The output's length: the clip's video. */
  duration: number;
  /** Seconds of silence before the track begins. */
  lead: number;
  /** How much of the track is heard, from the offset, after `lead`; the rest up to `duration` is silence. */
  audible: number;
  /** Fade-in and fade-out length: as asked, at most half the audible part. */
  fade: number;
  warnings: string[];
}

/**
 * Place the track under the clip from the media's real lengths: a file cut short (its packets end
 * more than CUT_SHORT_SECONDS before the length it states) counts at its real length and is
 * warned about; an offset at or past the track's end is an input error naming the track.
 */
export function planSoundtrack(clip: string, track: string, offset: number, fadeAsked: number, m: MediaLengths, lead = 0): SoundtrackPlan {
  const warnings: string[] = [];
  const { statedVideo, videoEnd } = m;
  if (videoEnd === undefined) throw inputError(clip, 'the file is cut short: none of its video can be read');
  const duration = videoEnd < statedVideo - CUT_SHORT_SECONDS ? videoEnd : statedVideo;
  if (duration < statedVideo) {
    warnings.push(`${clip}: the file is cut short (video ends at ${videoEnd.toFixed(2)} s of the ${statedVideo.toFixed(2)} s it states); the export is ${videoEnd.toFixed(2)} s long`);
  }
  const stated = m.statedAudio;
  const real = m.audioEnd ?? stated;
  const cutShort = real < stated - CUT_SHORT_SECONDS;
  const trackSeconds = cutShort ? real : stated;
  if (offset >= trackSeconds) {
    throw inputError(
      track,
      cutShort
        ? `the file is cut short: its audio ends at ${real.toFixed(2)} s although it states ${stated.toFixed(2)} s, so offset ${offset} s is past its real end`
        : `offset ${offset} s is at or past the end of the track (${trackSeconds.toFixed(2)} s long)`,
    );
  }
  if (lead >= duration) {
    throw inputError(clip, `the track would begin at ${lead.toFixed(2)} s, at or after the end of the clip (${duration.toFixed(2)} s)`);
  }
  const audible = Math.min(duration - lead, trackSeconds - offset);
  if (cutShort && lead + audible < duration && stated - offset > audible) {
    warnings.push(
      `${track}: the file is cut short (audio ends at ${real.toFixed(2)} s of the ${stated.toFixed(2)} s it states); ` +
        `the track fades out at ${(lead + audible).toFixed(2)} s of the clip and silence fills the rest`,
    );
  }
  return { duration, lead, audible, fade: Math.min(fadeAsked, audible / 2), warnings };
}

/** Everything ffmpeg needs for one export besides the plan. */
export interface ExportCommand {
  clip: string;
  track: string;
  /** The file ffmpeg writes (the temp name). */
  part: string;
  offset: number;
  loudness: number;
  container: Container;
  videoIndex: number;
  videoCodec: string;
  /** The track's audio codec as ffprobe names it (float PCM gets its NaN/Inf silenced). */
  trackCodec: string;
}

/** The audio codec of a container's output. */
export function audioCodecOf(container: Container): 'aac' | 'opus' {
  return container === 'webm' ? 'opus' : 'aac';
}

/** ffmpeg's arguments: the clip's video stream, the track read from the offset for the audible part, the soundtrack filter. */
export function exportArgs(c: ExportCommand, plan: SoundtrackPlan): string[] {
  return [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    '-i', mediaArg(c.clip),
    '-ss', r3(c.offset), '-t', r3(plan.audible), '-i', mediaArg(c.track),
    '-filter_complex', soundtrackFilter(plan.audible, plan.duration, plan.fade, c.loudness, 48000, /^pcm_f/.test(c.trackCodec), plan.lead),
    '-map', `0:${c.videoIndex}`, '-map', '[a]',
    ...videoArgs(c.container, c.videoCodec).args,
    ...(audioCodecOf(c.container) === 'aac' ? ['-c:a', 'aac', '-b:a', '192k'] : ['-c:a', 'libopus', '-b:a', '160k']),
    ...(c.container === 'mp4' || c.container === 'mov' ? ['-movflags', '+faststart'] : []),
    // No -y: the name is new in a folder only we use, so ffmpeg refusing to overwrite is a bug caught.
    '-f', c.container, mediaArg(c.part),
  ];
}

export async function exportClipWithTrack(o: ExportOptions): Promise<ExportResult> {
  const { offset, lead, fadeAsked, loudness, container, out, force } = checkRequest(o);
  await checkOutput(out, o.out, force);
  await removeStaleExportTemps(dirname(out));

  const [clipInfo, trackInfo] = await Promise.all([probe(o.clip, { signal: o.signal }), probe(o.track, { signal: o.signal })]);
  const video = videoStream(clipInfo);
  if (!video) throw inputError(o.clip, 'has no video stream to put the track under');
  const audio = audioStream(trackInfo);
  if (!audio) throw inputError(o.track, 'has no audio stream');
  // Where the picture and the sound really end (demux passes, no decoding): a file cut short states more than it holds.
  const [videoEnd, audioEnd] = await Promise.all([streamEnd(o.clip, String(video.index), o.signal), streamEnd(o.track, 'a:0', o.signal)]);
  const plan = planSoundtrack(o.clip, o.track, offset, fadeAsked, {
    statedVideo: video.duration ?? clipInfo.duration,
    videoEnd,
    statedAudio: audio.duration ?? trackInfo.duration,
    audioEnd,
  }, lead);
  const { duration, audible, fade, warnings } = plan;
  const audioCodec = audioCodecOf(container);
  const copied = videoArgs(container, video.codec).copied;

  let tempDir: string;
  try {
    tempDir = await mkdtemp(join(dirname(out), `${TEMP_PREFIX}${process.pid}-`));
  } catch (err) {
    throw inputError(o.out, `cannot write in ${dirname(out)} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, err);
  }
  const part = join(tempDir, basename(out));
  const args = exportArgs(
    { clip: o.clip, track: o.track, part, offset, loudness, container, videoIndex: video.index, videoCodec: video.codec, trackCodec: audio.codec },
    plan,
  );
  try {
    const p = spawnTool(ffmpegPath(), args, o.signal);
    p.child.stdout.resume();
    try {
      const exit = await p.exited;
      if (o.signal?.aborted) throw cancelledError('export');
      if (exit.code !== 0) {
        const cause = describeStderr(p.stderr.text(), o.clip) || `ffmpeg exited with ${exit.code ?? exit.signal}`;
        throw new NeedledropError('input', `export of ${o.clip} with ${o.track} failed: ${explain(cause)}`, { file: o.clip });
      }
    } finally {
      await p.dispose().catch(() => undefined);
    }
    await publish(part, out, o.out, force);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
  return { out, duration, container, videoCodec: copied ? video.codec : container === 'webm' ? 'vp9' : 'h264', videoCopied: copied, audioCodec, lead, audible, fade, loudness, warnings };
}
