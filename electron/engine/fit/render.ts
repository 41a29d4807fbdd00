/**
 * Render a fit plan with ffmpeg: the track is decoded once and split, each kept range trimmed
 * from it to the sample (a branch holds its range in memory until its turn), and joined to the previous one
 * by a short equal-power crossfade (quarter-sine curves) that ends on the splice's beat, so the
 * entered beat's attack is heard whole. A tempo change, when the plan has one, is ffmpeg's
 * atempo (pitch kept). The output is padded/trimmed to the exact sample count of the target.
 *
 * The remix is written as export writes its output: in a private folder made beside it (mkdtemp,
 * with export's prefix so a killed render's folder is swept as an export's is) and then linked into
 * place, renamed only with `force`: no file or link that happens to be there is written through or
 * consumed, and two renders to one name never share a temporary file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { cancelledError, inputError, NeedledropError, usageError } from '../errors';
import { checkOutput, publish, removeStaleExportTemps, TEMP_PREFIX } from '../media/export';
import { ffmpegPath } from '../media/ffmpeg-path';
import { audioStream, noAudioCause, probe } from '../media/probe';
import { describeStderr, explain, mediaArg, spawnTool } from '../media/process';
import { checkRemixName } from './outputs';
import { errnoWords } from '../util/errno';
import type { FitPlan } from './types';

export interface RenderOptions {
  /** .wav (16-bit PCM) or .flac. */
  out: string;
  /** Crossfade at each splice, seconds; default 0.03. */
  crossfade?: number;
  /** Fade-in when the output does not start at the track's start, seconds; default 0.01. */
  fadeIn?: number;
  /** Fade-out when the plan ends on a phrase end (the track's ending needs none), seconds; default 0.3. */
  fadeOut?: number;
  force?: boolean;
  signal?: AbortSignal;
}

export interface RenderResult {
  out: string;
  format: 'wav' | 'flac';
  sampleRate: number;
  channels: number;
  /** Samples written (round(duration × sampleRate)). */
  samples: number;
  duration: number;
}

const CODECS = { '.wav': ['wav', 'pcm_s16le'], '.flac': ['flac', 'flac'] } as const;

const f6 = (x: number): string => x.toFixed(6);

/** The ffmpeg arguments (inputs and filter graph) for a plan; exported for tests of the graph. */
export function renderArgs(track: string, plan: FitPlan, sampleRate: number, channels: number, o: Omit<RenderOptions, 'out'> = {}): string[] {
  const R = sampleRate;
  const layout = channels === 1 ? 'mono' : 'stereo';
  const xf = o.crossfade ?? 0.03;
  const ratio = plan.tempoRatio;
  const graph: string[] = [];
  // Integer sample boundaries of each range in source samples (before the tempo change).
  const bounds = plan.ranges.map((r) => ({ a: Math.round(r.sourceStart * R), b: Math.round(r.sourceEnd * R) }));
  // One decode split into a branch per range: input seeking is not sample-accurate for every
  // codec (Ogg Vorbis lands hundreds of samples off), trimming a decoded stream is.
  const n = bounds.length;
  graph.push(`[0:a:0]aresample=${R},aformat=sample_fmts=fltp:channel_layouts=${layout},asplit=${n}${bounds.map((_, k) => `[in${k}]`).join('')}`);
  let prev = '';
  bounds.forEach((bd, k) => {
    const len = bd.b - bd.a;
    // The crossfade ends on the entered beat: the incoming range starts X samples early.
    const X = k === 0 ? 0 : Math.max(1, Math.min(Math.round(xf * R), Math.floor(len / 2), Math.floor((bounds[k - 1].b - bounds[k - 1].a) / 2), bd.a));
    graph.push(`[in${k}]atrim=start_sample=${bd.a - X}:end_sample=${bd.b},asetpts=N/SR/TB[s${k}]`);
    if (k === 0) prev = `s0`;
    else {
      graph.push(`[${prev}][s${k}]acrossfade=ns=${X}:c1=qsin:c2=qsin[x${k}]`);
      prev = `x${k}`;
    }
  });
  const lastSample = Math.max(...bounds.map((bd) => bd.b));
  const total = Math.round(plan.duration * R);
  const tail: string[] = [];
  if (Math.abs(ratio - 1) > 1e-9) tail.push(`atempo=${ratio.toFixed(6)}`);
  if (plan.start > 0.02) tail.push(`afade=t=in:ns=${Math.round((o.fadeIn ?? 0.01) * R)}:curve=qsin`);
  if (plan.endMode === 'phrase') {
    const d = Math.min(o.fadeOut ?? 0.3, plan.duration / 2);
    tail.push(`afade=t=out:st=${f6(plan.duration - d)}:d=${f6(d)}`);
  }
  tail.push(`apad=whole_len=${total}`, `atrim=end_sample=${total}`);
  graph.push(`[${prev}]${tail.join(',')}[out]`);
  // As every other input: a track named "-x.wav" or "concat:…" is a file, not an option or a protocol.
  return ['-t', f6(lastSample / R + 0.5), '-i', mediaArg(track), '-filter_complex', graph.join(';'), '-map', '[out]'];
}

/** ffmpeg's words for an output it cannot write: the remix's fault, not the track's. */
const OUTPUT_FAULT = /No space left on device|Read-only file system|Disk quota exceeded|File too large|File name too long/i;

/** Why ffmpeg failed, attributed to the file at fault: the remix when it could not be written, else the track. */
function renderFailure(stderr: string[], code: string, track: string, part: string, given: string): NeedledropError {
  const aboutOutput = stderr.some((l) => l.includes(part)) || OUTPUT_FAULT.test(stderr.join('\n'));
  const file = aboutOutput ? given : track;
  const cause = describeStderr(stderr, aboutOutput ? part : track) || `ffmpeg exited with ${code}`;
  return new NeedledropError('input', `${file}: ${aboutOutput ? 'cannot write the remix' : 'rendering the fit failed'}: ${explain(cause)}`, { file });
}

export async function renderFit(track: string, plan: FitPlan, o: RenderOptions): Promise<RenderResult> {
  checkRemixName(o.out, track);
  const ext = extname(o.out).toLowerCase() as keyof typeof CODECS;
  const out = resolve(o.out);
  const force = o.force ?? false;
  await checkOutput(out, o.out, force);
  if (plan.ranges.length === 0) throw usageError('the plan has no kept ranges');
  const info = await probe(track, o.signal ? { signal: o.signal } : {});
  const a = audioStream(info);
  if (!a) throw inputError(track, noAudioCause(info));
  const sampleRate = a.sampleRate ?? 44100;
  const channels = Math.min(2, a.channels ?? 2);
  const [format, codec] = CODECS[ext];
  await removeStaleExportTemps(dirname(out));
  let dir: string;
  try {
    dir = await mkdtemp(join(dirname(out), `${TEMP_PREFIX}${process.pid}-`));
  } catch (err) {
    throw inputError(o.out, `cannot write in ${dirname(out)} (${errnoWords(err)})`, err);
  }
  const part = join(dir, basename(out));
  // No -y: the name is new in a folder only we use, so ffmpeg refusing to overwrite is a bug caught.
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', ...renderArgs(track, plan, sampleRate, channels, o), '-map_metadata', '-1', '-c:a', codec, '-f', format, mediaArg(part)];
  try {
    const p = spawnTool(ffmpegPath(), args, o.signal);
    p.child.stdout.resume();
    try {
      const exit = await p.exited;
      if (o.signal?.aborted) throw cancelledError('rendering');
      if (exit.code !== 0) throw renderFailure(p.stderr.text(), String(exit.code ?? exit.signal), track, part, o.out);
    } finally {
      await p.dispose().catch(() => undefined);
    }
    await publish(part, out, o.out, force).catch((err: unknown) => {
      throw err instanceof NeedledropError ? err : inputError(o.out, `cannot write the remix (${errnoWords(err)})`, err);
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const samples = Math.round(plan.duration * sampleRate);
  return { out, format, sampleRate, channels, samples, duration: samples / sampleRate };
}
