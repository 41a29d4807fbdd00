/**
 * Export a clip with a track as its soundtrack: the clip's picture (stream-copied when the output
 * container accepts its codec, re-encoded otherwise), the track from `offset` (its own audio is
 * dropped), faded in and out, loudness-normalised with ffmpeg's loudnorm in two passes (the
 * first measures the part of the track that is heard; the second applies a linear gain when the
 * peaks allow it, else limits dynamically with the first pass's correction), exactly as long as
 * the clip's video. The loudness reported is the written file's, measured (EBU R128) after the
 * encode: a near-silent track, or one too short or too dynamic to reach the target, says so in
 * `warnings` instead of being reported at the target (review R12). When the track runs out before the clip ends, it fades out at its end and silence fills
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
import { existsSync, lstatSync, statSync } from 'node:fs';
import { link, lstat, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { cancelledError, codedError, inputError, NeedledropError, usageError } from '../errors';
import { pidAlive } from '../util/pid';
import { ffmpegPath } from './ffmpeg-path';
import { audioStream, noAudioCause, probe, streamEnd, videoStream } from './probe';
import { describeStderr, explain, mediaArg, spawnTool } from './process';
import { errnoWords } from '../util/errno';
import { realOrSelf } from '../util/real-path';
import { END_SLACK } from '../../contract/clip-range';

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
  /**
   * The Out point (seconds into the clip): the track is heard only from `start` (the In point) to
   * here, at `offset` at the In point, faded in there and out here, and the clip is silent before
   * and after, as the editor marked it (review R2.13). Without it the track plays over the whole clip.
   */
  end?: number;
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
  /** Integrated loudness of the written soundtrack in LUFS, measured (−70 is ebur128's floor: near-silence). */
  loudness: number;
  /** The loudness the export aimed at (LUFS). */
  loudnessTarget: number;
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

/**
 * Containers that keep a copied stream's display rotation. Debian's ffmpeg 5.1 cannot write the
 * display matrix into Matroska/WebM (review R17: a phone clip copied into .mkv played sideways).
 */
const KEEPS_ROTATION: ReadonlySet<Container> = new Set(['mp4', 'mov']);

/**
 * The video codec arguments: a copy when the container takes the clip's codec (and, for a rotated
 * clip, its rotation), else a re-encode. A rotated clip headed for Matroska/WebM is re-encoded
 * rather than refused: ffmpeg turns the decoded frames upright (autorotate), so the picture is
 * seen as in the clip, at the cost of an encode the user asked for nothing less than.
 */
export function videoArgs(container: Container, codec: string, rotation = 0): { args: string[]; copied: boolean } {
  const ok = COPYABLE[container];
  const rotationKept = rotation % 360 === 0 || KEEPS_ROTATION.has(container);
  if ((ok === 'any' || ok.has(codec)) && rotationKept) return { args: ['-c:v', 'copy'], copied: true };
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
/**
 * An Out point not past the file's end is read within the picture: a player's timeline runs to the
 * file's end, which a longer audio stream puts past the last frame (match and fit read it so too:
 * contract/clip-range.ts rangeProblem).
 */
function outPointInPicture(until: number | undefined, fileSeconds: number, pictureSeconds: number): number | undefined {
  return until !== undefined && until <= fileSeconds ? Math.min(until, pictureSeconds) : until;
}

/** A fade shortened by less than this reads the same in a warning's hundredths: not warned about. */
const FADE_SHOWN_SECONDS = 0.005;

/** An export misses its loudness target when its soundtrack measures more than this many LU below it. */
const LOUDNESS_MISS_LU = 2;

/** loudnorm's first-pass measurement (its print_format=json input_* fields and target_offset). */
export interface LoudnormMeasure {
  i: number;
  tp: number;
  lra: number;
  thresh: number;
  offset: number;
}

/**
 * Below this a heard piece is near-silence (the indexer's NEAR_SILENT_LUFS; not imported, to keep
 * the feature extractors out of the export's bundle): never raised by a linear gain.
 */
const NEAR_SILENT_LUFS = -60;

/** The true-peak ceiling of the soundtrack, dBTP. */
const TRUE_PEAK = -1.5;

/** loudnorm's settings: the target, and with a first pass's measurement the two-pass form. */
export function loudnormArgs(loudness: number, m?: LoudnormMeasure): string {
  const base = `loudnorm=I=${loudness}:TP=${TRUE_PEAK}:LRA=11`;
  return m ? `${base}:measured_I=${m.i}:measured_TP=${m.tp}:measured_LRA=${m.lra}:measured_thresh=${m.thresh}:offset=${m.offset}:linear=true` : base;
}

/**
 * The measurement in loudnorm's JSON report (the last one in `stderr`), or undefined when there
 * is none or a value is outside what loudnorm takes back (a silent input measures −inf): the
 * second pass then runs as a single pass would.
 */
export function parseLoudnormJson(stderr: string): LoudnormMeasure | undefined {
  const block = [...stderr.matchAll(/\{[^{}]*"input_i"[^{}]*\}/g)].at(-1)?.[0];
  if (!block) return undefined;
  let j: Record<string, string>;
  try {
    j = JSON.parse(block) as Record<string, string>;
  } catch {
    return undefined;
  }
  const m = { i: Number(j.input_i), tp: Number(j.input_tp), lra: Number(j.input_lra), thresh: Number(j.input_thresh), offset: Number(j.target_offset) };
  // loudnorm's option ranges for the measured values.
  const ok = m.i >= -99 && m.i <= 0 && m.tp >= -99 && m.tp <= 99 && m.lra >= 0 && m.lra <= 99 && m.thresh >= -99 && m.thresh <= 0 && m.offset >= -99 && m.offset <= 99;
  return ok ? m : undefined;
}

/** loudnorm's dynamic mode looks 3 s ahead; on a shorter piece it lowers what it should raise. */
export const LOUDNORM_WINDOW_SECONDS = 3;

/**
 * The gain stage: with a first pass that measured music (not near-silence), a plain linear gain
 * when it reaches the target with the true peak at most TRUE_PEAK, else loudnorm's dynamic mode
 * corrected by the first pass's offset. Not loudnorm's own linear mode: it also refuses a range
 * of 0 LU (a steady tone) or over 11 LU, and its dynamic fallback misses short pieces by 3 LU
 * and more (a 1 s tone came out at −33.5 LUFS for −30). Nor its dynamic mode on under 3 s of
 * music: the first 2.38 s of Vibe Ace went in at −26.2 LUFS and came out at −31.9 (at 3.1 s:
 * −14.2), so there the gain is the most the peaks allow, and the miss is said (loudnessWarning).
 */
export function loudnessStage(loudness: number, audible: number, m?: LoudnormMeasure): string {
  if (m && m.i >= NEAR_SILENT_LUFS) {
    const gain = loudness - m.i;
    if (m.tp + gain <= TRUE_PEAK) return `volume=${gain.toFixed(2)}dB`;
    if (audible < LOUDNORM_WINDOW_SECONDS) return `volume=${(TRUE_PEAK - m.tp).toFixed(2)}dB`;
  }
  return loudnormArgs(loudness, m);
}

/** The integrated loudness in ebur128's summary (the last "I: … LUFS" in `stderr`), or undefined. */
export function parseEbur128Integrated(stderr: string): number | undefined {
  const v = Number([...stderr.matchAll(/^\s*I:\s+(-?\d+(?:\.\d+)?) LUFS/gm)].at(-1)?.[1]);
  return Number.isFinite(v) ? v : undefined;
}

/** What the fades take off the heard music: their length, the music's, and the loudness lost (LU, faded vs unfaded). */
export interface FadeCost {
  fade: number;
  audible: number;
  lu: number;
}

/**
 * A warning when the soundtrack measures well under its target; undefined when it is near it.
 * When the peaks stop a linear gain, loudnorm brings the unfaded music to the target and the fades
 * then take their share off: if the music without them would have been near the target, the fades
 * are the cause and are named (a 4.8 s fade on 9.6 s of Brahms cost 5.2 LU and was blamed on the track).
 */
export function loudnessWarning(track: string, measured: number, target: number, firstPass: LoudnormMeasure | undefined, fades?: FadeCost): string | undefined {
  if (measured >= target - LOUDNESS_MISS_LU) return undefined;
  const head = `${track}: the soundtrack measures ${measured.toFixed(1)} LUFS, ${(target - measured).toFixed(1)} LU under the ${target} LUFS target`;
  if (!firstPass || measured <= -69.9) return `${head}: the track is near-silent there`;
  if (fades && fades.fade > 0 && measured + fades.lu >= target - LOUDNESS_MISS_LU) {
    return (
      `${head}: the ${fades.fade.toFixed(2)} s fades in and out of ${fades.audible.toFixed(2)} s of music take ${fades.lu.toFixed(1)} LU off it, ` +
      `and the track's peaks leave no room to raise the rest to make up for them: shorter fades come closer`
    );
  }
  return `${head}: the track is too short or too dynamic there to raise further without clipping its peaks`;
}

/** Float PCM can hold NaN/Inf, which loudnorm and the encoders refuse: silence them first, as decoding does. */
const FINITE_GUARD = `aeval=exprs='if(isnan(val(ch))+isinf(val(ch)),0,val(ch))':channel_layout=same`;

function fadeFilters(audible: number, fade: number): string[] {
  return fade > 0 ? [`afade=t=in:st=0:d=${r3(fade)}`, `afade=t=out:st=${r3(audible - fade)}:d=${r3(fade)}`] : [];
}

/** The soundtrack filter: loudness first (so the fades are not undone), then fades, then pad/trim to the clip. */
export function soundtrackFilter(audible: number, duration: number, fade: number, loudness: number, sampleRate: number, floatPcm = false, lead = 0, measured?: LoudnormMeasure): string {
  // aformat also gives tracks with an unset channel layout one (loudnorm cannot pass them on).
  const parts = [loudnessStage(loudness, audible, measured), `aformat=sample_rates=${sampleRate}:channel_layouts=stereo`];
  if (floatPcm) parts.unshift(FINITE_GUARD);
  parts.push(...fadeFilters(audible, fade));
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

/**
 * Where an output goes: its folder must exist and be a folder, and the output must not be one.
 * True when a file is there already. Export checks it, and so does the app's live check of the
 * path typed (`output.check`, review R2.16).
 */
export function checkOutputPlace(out: string, given: string): boolean {
  const dir = dirname(out);
  let dst;
  try {
    dst = statSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const cause = code === 'ENOENT' ? `its folder ${dir} does not exist` : code === 'ENOTDIR' ? `${dir} is under a file, not a folder` : `cannot use its folder ${dir} (${errnoWords(err)})`;
    throw inputError(given, cause, err);
  }
  if (!dst.isDirectory()) throw inputError(given, `${dir} is a file, not a folder`);
  let ost;
  try {
    ost = lstatSync(out, { throwIfNoEntry: false });
  } catch (err) {
    // A name the file system refuses (too long, a loop of links) is the user's input, not a crash.
    throw inputError(given, errnoWords(err), err);
  }
  if (ost?.isDirectory()) throw inputError(given, 'is a folder; give a file name for the output');
  return ost !== undefined;
}

/** The output's folder must exist and be a folder, and the output must not be one nor, without `force`, exist. */
export async function checkOutput(out: string, given: string, force: boolean): Promise<void> {
  if (checkOutputPlace(out, given) && !force) throw codedError('exists', given, 'already exists');
}

/**
 * The output's name: an extension export writes (its container), and none of `inputs` under
 * another name (realpaths: through a link the output can be an input, which --force replaced,
 * review R15). Export checks it, and so does the app's live check (`output.check`, review R2.16).
 */
export function checkOutputName(given: string, inputs: readonly string[]): Container {
  const container = CONTAINERS[extname(given).toLowerCase()];
  if (!container) throw inputError(given, `output must end in ${Object.keys(CONTAINERS).join(', ')}`);
  const out = realOrSelf(given);
  if (inputs.some((p) => realOrSelf(p) === out)) throw inputError(given, 'the output cannot be one of the inputs');
  return container;
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
  /** Seconds of silence before the track begins (its start falls inside the clip, or the In point). */
  lead: number;
  /** With an Out point: the output second where the track stops (silence after). */
  until?: number;
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
  // With an Out point the track is heard from the In point on, at `offset` there; else at `offset` at
  // `start` wherever that puts its own beginning (before start when offset > 0).
  const until = o.end === undefined ? undefined : checkNumber('end', o.end, 0, Number.MAX_SAFE_INTEGER);
  if (until !== undefined && until <= start) throw usageError(`the Out point (${until} s) must be after the In point (${start} s)`);
  const offset = until === undefined ? Math.max(0, asked - start) : asked;
  const lead = until === undefined ? Math.max(0, start - asked) : start;
  const fadeAsked = checkNumber('fade', o.fade ?? 0.5, 0, 60);
  const loudness = checkNumber('loudness', o.loudness ?? -14, -70, -5);
  const container = checkOutputName(o.out, [o.clip, o.track]);
  return { offset, lead, ...(until !== undefined ? { until } : {}), fadeAsked, loudness, container, out: resolve(o.out), force: o.force ?? false };
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
export function planSoundtrack(
  clip: string,
  track: string,
  offset: number,
  fadeAsked: number,
  m: MediaLengths,
  lead = 0,
  /** The offset and clip time as the user gave them, for the messages (`offset` is offset − start). */
  asked: { offset: number; start: number } = { offset, start: 0 },
  /** The Out point in output seconds: the track stops there (silence after). */
  until?: number,
): SoundtrackPlan {
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
    // The numbers the user typed, not offset − start (review R24: "offset 65 s" for --offset 70 --start 5).
    const said = asked.start > 0 ? `offset ${asked.offset} s (at clip ${asked.start} s)` : `offset ${asked.offset} s`;
    throw inputError(
      track,
      cutShort
        ? `the file is cut short: its audio ends at ${real.toFixed(2)} s although it states ${stated.toFixed(2)} s, so ${said} is past its real end`
        : `${said} is at or past the end of the track (${trackSeconds.toFixed(2)} s long)`,
    );
  }
  if (lead >= duration) {
    throw inputError(clip, `the track would begin at ${lead.toFixed(2)} s, at or after the end of the clip (${duration.toFixed(2)} s)`);
  }
  // An Out point a player's clock puts a hair past the last frame is the clip's end (as a range's end is elsewhere).
  if (until !== undefined && until > duration + END_SLACK) throw inputError(clip, `the Out point (${until} s) is past the end of the clip (${duration.toFixed(2)} s)`);
  const audible = Math.min(Math.min(until ?? duration, duration) - lead, trackSeconds - offset);
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
  /** The clip's display rotation in degrees (probe's), 0 when upright. */
  rotation?: number;
  /** The track's audio codec as ffprobe names it (float PCM gets its NaN/Inf silenced). */
  trackCodec: string;
  /** The first loudness pass over the heard part of the track, when it measured something usable. */
  measured?: LoudnormMeasure;
  /** The clip's container tags (probe's formatTags): what decides how they are carried over. */
  clipTags?: Record<string, string>;
}

/** Container tags that describe the clip's file rather than its footage: never copied as tags. */
const FILE_TAGS = ['major_brand', 'minor_version', 'compatible_brands'];

/**
 * The clip's container tags carried over to the export. ffmpeg's default copy drops creation_time,
 * and editors sort footage by it: an explicit -map_metadata keeps it with location and the rest.
 * MP4/MOV hold keys outside their fixed set (com.apple.quicktime.make, .location.ISO6709, …) only
 * as mdta atoms, so a clip with such keys is written that way; the file-type tags would then be
 * written as tags too and claim the clip's brand, so they are left out.
 */
export function metadataArgs(container: Container, clipTags: Record<string, string> = {}): { args: string[]; movflags: string } {
  const args = ['-map_metadata', '0'];
  const mdta = (container === 'mp4' || container === 'mov') && Object.keys(clipTags).some((k) => k.startsWith('com.apple.quicktime.'));
  if (mdta) for (const k of FILE_TAGS) if (k in clipTags) args.push('-metadata', `${k}=`);
  return { args, movflags: mdta ? '+faststart+use_metadata_tags' : '+faststart' };
}

/** The audio codec of a container's output. */
export function audioCodecOf(container: Container): 'aac' | 'opus' {
  return container === 'webm' ? 'opus' : 'aac';
}

/** ffmpeg's arguments: the clip's video stream, the track read from the offset for the audible part, the soundtrack filter. */
export function exportArgs(c: ExportCommand, plan: SoundtrackPlan): string[] {
  const tags = metadataArgs(c.container, c.clipTags);
  return [
    '-nostdin', '-hide_banner', '-loglevel', 'error',
    '-i', mediaArg(c.clip),
    '-ss', r3(c.offset), '-t', r3(plan.audible), '-i', mediaArg(c.track),
    '-filter_complex', soundtrackFilter(plan.audible, plan.duration, plan.fade, c.loudness, 48000, /^pcm_f/.test(c.trackCodec), plan.lead, c.measured),
    '-map', `0:${c.videoIndex}`, '-map', '[a]',
    ...tags.args,
    ...videoArgs(c.container, c.videoCodec, c.rotation).args,
    ...(audioCodecOf(c.container) === 'aac' ? ['-c:a', 'aac', '-b:a', '192k'] : ['-c:a', 'libopus', '-b:a', '160k']),
    ...(c.container === 'mp4' || c.container === 'mov' ? ['-movflags', tags.movflags] : []),
    // No -y: the name is new in a folder only we use, so ffmpeg refusing to overwrite is a bug caught.
    '-f', c.container, mediaArg(c.part),
  ];
}

/**
 * The first pass's arguments: the heard part of the track (as the export reads it), faded as it
 * will be, through loudnorm, measured only. With the fades in, a linear gain brings what is heard
 * to the target: a 1 s piece faded in and out over all of it measures 3.5 LU under its unfaded self.
 */
export function measureArgs(track: string, offset: number, audible: number, fade: number, loudness: number, floatPcm: boolean, meter = `${loudnormArgs(loudness)}:print_format=json`): string[] {
  const chain = [...(floatPcm ? [FINITE_GUARD] : []), ...fadeFilters(audible, fade), meter];
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info',
    '-ss', r3(offset), '-t', r3(audible), '-i', mediaArg(track),
    '-map', '0:a:0', '-af', chain.join(','),
    '-f', 'null', '-',
  ];
}

/** Run ffmpeg for a measurement and return all it said on stderr (the reports are there, not on stdout). */
async function ffmpegReport(args: string[], file: string, signal?: AbortSignal): Promise<string> {
  const p = spawnTool(ffmpegPath(), args, signal);
  const text: Buffer[] = [];
  p.child.stderr.on('data', (d: Buffer) => text.push(d));
  p.child.stdout.resume();
  try {
    const exit = await p.exited;
    if (signal?.aborted) throw cancelledError('export');
    if (exit.code !== 0) {
      const cause = describeStderr(p.stderr.text(), file) || `ffmpeg exited with ${exit.code ?? exit.signal}`;
      throw inputError(file, `measuring loudness failed: ${explain(cause)}`);
    }
  } finally {
    await p.dispose().catch(() => undefined);
  }
  return Buffer.concat(text).toString('utf8');
}

/** Integrated loudness (LUFS) of a written file's first audio stream, by ffmpeg's ebur128. */
export async function measuredLoudness(file: string, signal?: AbortSignal): Promise<number> {
  // framelog=verbose keeps the per-block lines out of an info-level log; the summary stays.
  const report = await ffmpegReport(['-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info', '-i', mediaArg(file), '-map', '0:a:0', '-af', 'ebur128=framelog=verbose', '-f', 'null', '-'], file, signal);
  const lufs = parseEbur128Integrated(report);
  if (lufs === undefined) throw new NeedledropError('internal', `${file}: ffmpeg's ebur128 gave no integrated loudness`);
  return lufs;
}

export async function exportClipWithTrack(o: ExportOptions): Promise<ExportResult> {
  const { offset, lead, until, fadeAsked, loudness, container, out, force } = checkRequest(o);
  await checkOutput(out, o.out, force);
  await removeStaleExportTemps(dirname(out));

  const [clipInfo, trackInfo] = await Promise.all([probe(o.clip, { signal: o.signal }), probe(o.track, { signal: o.signal })]);
  const video = videoStream(clipInfo);
  if (!video) throw inputError(o.clip, 'has no video stream to put the track under');
  const audio = audioStream(trackInfo);
  if (!audio) throw inputError(o.track, noAudioCause(trackInfo));
  // Where the picture and the sound really end (demux passes, no decoding): a file cut short states more than it holds.
  const [videoEnd, audioEnd] = await Promise.all([streamEnd(o.clip, String(video.index), o.signal), streamEnd(o.track, 'a:0', o.signal)]);
  const plan = planSoundtrack(o.clip, o.track, offset, fadeAsked, {
    statedVideo: video.duration ?? clipInfo.duration,
    videoEnd,
    statedAudio: audio.duration ?? trackInfo.duration,
    audioEnd,
  }, lead, { offset: o.offset ?? 0, start: o.start ?? 0 }, outPointInPicture(until, clipInfo.duration, video.duration ?? clipInfo.duration));
  const { duration, audible, fade, warnings } = plan;
  // A fade the user asked for that the music is too short to hold is said, not silently shortened (review R31),
  // when the shortening shows in the warning's hundredths (half of 2.3786 s for 1.19 s asked does not).
  if (o.fade !== undefined && fade < o.fade - FADE_SHOWN_SECONDS) warnings.push(`fade shortened to ${fade.toFixed(2)} s: half of the ${audible.toFixed(2)} s of music heard (${o.fade} s asked)`);
  const audioCodec = audioCodecOf(container);
  const copied = videoArgs(container, video.codec, video.rotation).copied;

  let tempDir: string;
  try {
    tempDir = await mkdtemp(join(dirname(out), `${TEMP_PREFIX}${process.pid}-`));
  } catch (err) {
    throw inputError(o.out, `cannot write in ${dirname(out)} (${errnoWords(err)})`, err);
  }
  const part = join(tempDir, basename(out));
  const floatPcm = /^pcm_f/.test(audio.codec);
  let loudnessMeasured: number;
  try {
    const measured = parseLoudnormJson(await ffmpegReport(measureArgs(o.track, offset, audible, fade, loudness, floatPcm), o.track, o.signal));
    const args = exportArgs(
      { clip: o.clip, track: o.track, part, offset, loudness, container, videoIndex: video.index, videoCodec: video.codec, rotation: video.rotation ?? 0, trackCodec: audio.codec, clipTags: clipInfo.formatTags, ...(measured ? { measured } : {}) },
      plan,
    );
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
    // What was written, measured after the encode: the number the user reads is the file's.
    loudnessMeasured = await measuredLoudness(part, o.signal);
    // Under the target with fades: what they cost, the heard piece with and without them, by the
    // meter the written file is measured with (two more passes, only then).
    const fadeCost = async (): Promise<FadeCost | undefined> => {
      const heard = async (f: number): Promise<number | undefined> =>
        parseEbur128Integrated(await ffmpegReport(measureArgs(o.track, offset, audible, f, loudness, floatPcm, 'ebur128=framelog=verbose'), o.track, o.signal));
      const [withFades, without] = await Promise.all([heard(fade), heard(0)]);
      return withFades !== undefined && without !== undefined ? { fade, audible, lu: without - withFades } : undefined;
    };
    const short = fade > 0 && measured !== undefined && loudnessMeasured < loudness - LOUDNESS_MISS_LU;
    const miss = loudnessWarning(o.track, loudnessMeasured, loudness, measured, short ? await fadeCost() : undefined);
    if (miss) warnings.push(miss);
    await publish(part, out, o.out, force);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
  return { out, duration, container, videoCodec: copied ? video.codec : container === 'webm' ? 'vp9' : 'h264', videoCopied: copied, audioCodec, lead, audible, fade, loudness: loudnessMeasured, loudnessTarget: loudness, warnings };
}
