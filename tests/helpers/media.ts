/**
 * Test media made with the real ffmpeg (lavfi sources), written into a directory the caller owns
 * (usually a mkdtemp under os.tmpdir()). Every generator returns the absolute path it wrote.
 * Deterministic: the same arguments give byte-identical output on one ffmpeg build.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../electron/engine/media/ffmpeg-path';

const run = promisify(execFile);

/** Run ffmpeg with `args` (inputs, filters, codecs) writing `out`; rejects with ffmpeg's stderr. */
export async function ffmpeg(args: string[], out: string): Promise<string> {
  try {
    await run(ffmpegPath(), ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args, out], { maxBuffer: 1 << 24 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`ffmpeg failed writing ${out}: ${e.stderr?.trim() || e.message}`);
  }
  return out;
}

/**
 * The first audio stream of `file` as mono f32 PCM at `sampleRate`, decoded by ffmpeg directly
 * (an independent reference for what the engine's own decoder or exporter produced).
 */
export async function decodeMono(file: string, sampleRate: number): Promise<Float32Array> {
  const { stdout } = await run(ffmpegPath(), ['-v', 'error', '-i', file, '-map', '0:a:0', '-ac', '1', '-ar', String(sampleRate), '-f', 'f32le', '-'], {
    encoding: 'buffer',
    maxBuffer: 1 << 28,
  });
  const buf = Buffer.from(stdout);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** A fresh temp dir and its cleanup, for beforeAll/afterAll. */
/** Root mean square of `pcm` (at `rate` samples/s) between two times in seconds: 0 for an empty span. */
export function rmsBetween(pcm: Float32Array, rate: number, from: number, to: number): number {
  const part = pcm.subarray(Math.round(from * rate), Math.round(to * rate));
  return Math.sqrt(part.reduce((a, x) => a + x * x, 0) / Math.max(1, part.length));
}

export async function tempDir(prefix = 'needledrop-media-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * ../shared/media resolved from the repo root (or $NEEDLEDROP_SHARED_MEDIA, set by the mutation
 * run whose sandbox copy sits elsewhere), or undefined when that folder is absent.
 */
export async function sharedMediaDir(): Promise<string | undefined> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = process.env.NEEDLEDROP_SHARED_MEDIA ?? resolve(root, '..', 'shared', 'media');
  try {
    await readFile(join(dir, 'README.md'));
    return dir;
  } catch {
    return undefined;
  }
}

export interface AudioOpts {
  seconds: number;
  sampleRate?: number;
  /** 1 (mono), 2 (stereo) or 6 (5.1). */
  channels?: 1 | 2 | 6;
  name?: string;
}

const LAYOUT = { 1: 'mono', 2: 'stereo', 6: '5.1' } as const;

function audioOut(dir: string, o: AudioOpts, fallback: string): string {
  return join(dir, o.name ?? `${fallback}.wav`);
}

/** Same expression on every channel (aevalsrc repeats the last one). */
function aeval(expr: string, o: AudioOpts): string[] {
  const ch = o.channels ?? 1;
  return ['-f', 'lavfi', '-i', `aevalsrc=${expr}:c=${LAYOUT[ch]}:s=${o.sampleRate ?? 44100}:d=${o.seconds}`];
}

/** A metronome: 1 kHz clicks of 15 ms decaying fast, one per beat, first at t = 0. */
export function clickTrack(dir: string, o: AudioOpts & { bpm: number }): Promise<string> {
  const p = 60 / o.bpm;
  const expr = `'if(lt(mod(t\\,${p})\\,0.015)\\,0.8*sin(2*PI*1000*t)*exp(-300*mod(t\\,${p}))\\,0)'`;
  return ffmpeg(aeval(expr, o), audioOut(dir, o, `click-${o.bpm}bpm`));
}

/** A pure tone at `freq` Hz, amplitude 0.5. */
export function sine(dir: string, o: AudioOpts & { freq: number; amplitude?: number }): Promise<string> {
  const expr = `'${o.amplitude ?? 0.5}*sin(2*PI*${o.freq}*t)'`;
  return ffmpeg(aeval(expr, o), audioOut(dir, o, `sine-${o.freq}hz-${o.sampleRate ?? 44100}`));
}

/** Several simultaneous tones (e.g. a chord), equal amplitude, summing to ≤ 0.8. */
export function tones(dir: string, o: AudioOpts & { freqs: number[] }): Promise<string> {
  const a = 0.8 / o.freqs.length;
  const expr = `'${o.freqs.map((f) => `${a}*sin(2*PI*${f}*t)`).join('+')}'`;
  return ffmpeg(aeval(expr, o), audioOut(dir, o, `tones-${o.freqs.join('-')}`));
}

/** Digital silence. */
export function silence(dir: string, o: AudioOpts): Promise<string> {
  return ffmpeg(aeval('0', o), audioOut(dir, o, 'silence'));
}

/**
 * Something music-like (for benches and key/tempo tests): a chord progression C–Am–F–G, one bar
 * each, over a kick on every beat and a hi-hat on the off-beats, at `bpm`. Synthesised here
 * (an aevalsrc expression this size runs slower than real time) and encoded by ffmpeg: AAC for
 * .m4a (the default), PCM for .wav, else ffmpeg's default codec for the extension.
 */
export async function musicLike(dir: string, o: { seconds: number; bpm?: number; name?: string }): Promise<string> {
  const sr = 44100;
  const beat = 60 / (o.bpm ?? 120);
  const chords = [
    [261.63, 329.63, 392.0],
    [220.0, 261.63, 329.63],
    [174.61, 220.0, 261.63],
    [196.0, 246.94, 293.66],
  ];
  const n = Math.round(o.seconds * sr);
  const pcm = new Float32Array(n);
  let noise = 0x2545f491;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    const chord = chords[Math.floor(t / (4 * beat)) % 4];
    let v = 0;
    for (const f of chord) v += 0.12 * Math.sin(2 * Math.PI * f * t);
    const sinceBeat = t % beat;
    v += 0.5 * Math.sin(2 * Math.PI * 60 * sinceBeat) * Math.exp(-25 * sinceBeat);
    noise ^= noise << 13;
    noise ^= noise >>> 17;
    noise ^= noise << 5;
    const sinceOff = (t + beat / 2) % beat;
    v += 0.08 * ((noise >>> 0) / 2 ** 31 - 1) * Math.exp(-60 * sinceOff);
    pcm[i] = v;
  }
  const raw = join(dir, `.music-${process.pid}-${Date.now()}.f32`);
  await writeFile(raw, new Uint8Array(pcm.buffer));
  const out = join(dir, o.name ?? 'music.m4a');
  const codec = out.endsWith('.m4a') ? ['-c:a', 'aac', '-b:a', '160k'] : out.endsWith('.wav') ? ['-c:a', 'pcm_s16le'] : [];
  try {
    return await ffmpeg(['-f', 'f32le', '-ar', String(sr), '-ac', '1', '-i', raw, '-ac', '2', ...codec], out);
  } finally {
    await rm(raw, { force: true });
  }
}

export interface VideoOpts {
  seconds: number;
  width?: number;
  height?: number;
  fps?: number;
  name?: string;
}

function size(o: VideoOpts): string {
  return `${o.width ?? 320}x${o.height ?? 180}`;
}

const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

/** A solid colour (any ffmpeg colour name or 0xRRGGBB), H.264 in MP4, no audio. */
export function solidVideo(dir: string, o: VideoOpts & { color: string }): Promise<string> {
  const src = `color=c=${o.color}:s=${size(o)}:r=${o.fps ?? 25}:d=${o.seconds}`;
  return ffmpeg(['-f', 'lavfi', '-i', src, ...H264], join(dir, o.name ?? `solid-${o.color}.mp4`));
}

/** A white 40×40 box on grey, moving across the frame at `speed` px/s (0 = static). */
export function movingBox(dir: string, o: VideoOpts & { speed: number }): Promise<string> {
  const bg = `color=c=gray:s=${size(o)}:r=${o.fps ?? 25}:d=${o.seconds}`;
  const box = `color=c=white:s=40x40:r=${o.fps ?? 25}:d=${o.seconds}`;
  const w = o.width ?? 320;
  const x = o.speed === 0 ? '20' : `'mod(t*${o.speed}\\,${w - 40})'`;
  return ffmpeg(
    ['-f', 'lavfi', '-i', bg, '-f', 'lavfi', '-i', box, '-filter_complex', `[0][1]overlay=x=${x}:y=(H-h)/2:shortest=1`, ...H264],
    join(dir, o.name ?? `box-${o.speed}.mp4`),
  );
}

const SHOT_COLOURS = ['0x202080', '0xd0c040', '0x30a030', '0xc03030', '0x808080', '0x40c0d0', '0xf0f0f0', '0x101010'];

/**
 * Hard cuts at the given times (seconds): shots of distinct colours, each carrying a small moving
 * box so the picture is not frozen within a shot.
 */
export function hardCuts(dir: string, o: VideoOpts & { cuts: number[] }): Promise<string> {
  const bounds = [0, ...o.cuts, o.seconds];
  const fps = o.fps ?? 25;
  const inputs: string[] = [];
  const parts: string[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const d = bounds[i + 1] - bounds[i];
    inputs.push('-f', 'lavfi', '-i', `color=c=${SHOT_COLOURS[i % SHOT_COLOURS.length]}:s=${size(o)}:r=${fps}:d=${d}`);
    parts.push(`[${i}]drawbox=x='mod(t*60\\,200)':y=20:w=16:h=16:c=black:t=fill[s${i}]`);
  }
  const n = bounds.length - 1;
  const graph = `${parts.join(';')};${Array.from({ length: n }, (_, i) => `[s${i}]`).join('')}concat=n=${n}:v=1:a=0[v]`;
  return ffmpeg([...inputs, '-filter_complex', graph, '-map', '[v]', ...H264], join(dir, o.name ?? 'cuts.mp4'));
}

/** A test pattern with a tone: both streams, for modality tests. */
export function videoWithAudio(dir: string, o: VideoOpts & { freq?: number }): Promise<string> {
  return ffmpeg(
    [
      '-f', 'lavfi', '-i', `testsrc2=s=${size(o)}:r=${o.fps ?? 25}:d=${o.seconds}`,
      '-f', 'lavfi', '-i', `sine=frequency=${o.freq ?? 440}:sample_rate=44100:duration=${o.seconds}`,
      ...H264, '-c:a', 'aac', '-shortest',
    ],
    join(dir, o.name ?? 'av.mp4'),
  );
}

/** A long H.264 clip for benches: testsrc2 (moving, colourful) at the given size. */
export function patternVideo(dir: string, o: VideoOpts & { preset?: string }): Promise<string> {
  return ffmpeg(
    ['-f', 'lavfi', '-i', `testsrc2=s=${size(o)}:r=${o.fps ?? 25}:d=${o.seconds}`, '-c:v', 'libx264', '-preset', o.preset ?? 'veryfast', '-pix_fmt', 'yuv420p'],
    join(dir, o.name ?? 'pattern.mp4'),
  );
}

/** The first `fraction` of `src`'s bytes, as `name` in `dir`. */
export async function truncated(src: string, dir: string, fraction: number, name = 'truncated.mp4'): Promise<string> {
  const bytes = await readFile(src);
  const out = join(dir, name);
  await writeFile(out, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return out;
}

export async function zeroByte(dir: string, name = 'empty.mp4'): Promise<string> {
  const out = join(dir, name);
  await writeFile(out, '');
  return out;
}

/** `size` pseudo-random bytes from a fixed seed (xorshift32), so failures reproduce. */
export async function randomBytes(dir: string, name = 'random.mp4', size = 64 * 1024, seed = 0x9e3779b9): Promise<string> {
  const out = join(dir, name);
  const buf = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    buf[i] = x & 0xff;
  }
  await writeFile(out, buf);
  return out;
}

/** A plain text file (ffprobe mistakes long text for "tty" ANSI art). */
export async function textFile(dir: string, name = 'notes.txt'): Promise<string> {
  const out = join(dir, name);
  await writeFile(out, Array.from({ length: 80 }, (_, i) => `line ${i}: this is not a media file.`).join('\n'));
  return out;
}

/** A 3 s float wav whose samples hold NaN (at 1 s) and +Inf (at 2 s) for 10 ms each, a 330 Hz sine elsewhere. */
export function nanWav(dir: string, name = 'nan.wav'): Promise<string> {
  return ffmpeg(['-f', 'lavfi', '-i', "aevalsrc='if(between(t,1,1.01),0/0,if(between(t,2,2.01),1/0,0.4*sin(2*PI*330*t)))':s=44100:d=3", '-c:a', 'pcm_f32le'], join(dir, name));
}

/**
 * A 20 s stereo FLAC of noise with one byte in 300 flipped from 8 KiB on: damaged frames all
 * through, so ffmpeg alone gives up part-way on its error rate (exit 69).
 */
export async function damagedFlac(dir: string, name = 'damaged.flac'): Promise<string> {
  const flac = await ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=d=20:a=0.3:seed=5', '-ac', '2'], join(dir, `intact-${name}`));
  const bytes = await readFile(flac);
  for (let i = 8192; i < bytes.length; i += 300) bytes[i] ^= 0xff;
  const out = join(dir, name);
  await writeFile(out, bytes);
  return out;
}
