/**
 * The ffmpeg filter graph that renders one pair's clip from lavfi sources. Every shot (the span
 * between two planned cuts) is its own grey-level pattern in the pair's style, with fresh random
 * parameters, moving at a speed set by arousal; the shots are concatenated and then coloured by
 * the pair's palette (valence/arousal → hue, saturation, lightness) with one lookup table.
 */
import { ffmpegRunsGraph } from '../media/ffmpeg-path';
import { lerp, mixSeed, rng, type Rng } from './rng';
import type { CorpusOptions, CorpusPair, VideoContainer, VideoStyle } from './types';

const CA_RULES = [18, 22, 30, 45, 54, 60, 90, 105, 110, 150];

interface Shot {
  frames: number;
  /** Motion speed in [0.15, 1]: arousal → motion. */
  speed: number;
  r: Rng;
  w: number;
  h: number;
  fps: number;
}

// What an older ffmpeg (before 4.4, e.g. the bundled build) lacks; see gradientsByGeq and pan.
const HAS_GRADIENTS = (): boolean => ffmpegRunsGraph('gradients=s=16x16');
const HAS_ZOOMPAN_IN_TIME = (): boolean => ffmpegRunsGraph("color=s=16x16,zoompan=z='1+0*in_time':d=1:s=16x16");

const gray = (level: number): string => {
  const v = Math.round(Math.max(0, Math.min(1, level)) * 255).toString(16).padStart(2, '0');
  return `0x${v}${v}${v}`;
};
const f3 = (x: number): string => x.toFixed(3);

/** Boxes of several greys gliding on Lissajous paths over a dark ground. */
function shapes(s: Shot): string {
  const { w, h, fps, r } = s;
  const parts = [`color=c=${gray(r.range(0, 0.15))}:s=${w}x${h}:r=${fps}`];
  const count = 3 + r.int(3);
  for (let i = 0; i < count; i++) {
    const bw = Math.round(r.range(w / 12, w / 4));
    const bh = Math.round(r.range(h / 10, h / 3));
    const fx = s.speed * r.range(0.3, 0.8);
    const fy = s.speed * r.range(0.3, 0.8);
    const x = `(W-w)/2+${f3(r.range(0.25, 0.5))}*W*sin(${f3(2 * Math.PI * fx)}*t+${f3(r.range(0, 6.28))})`;
    const y = `(H-h)/2+${f3(r.range(0.2, 0.45))}*H*sin(${f3(2 * Math.PI * fy)}*t+${f3(r.range(0, 6.28))})`;
    parts.push(`color=c=${gray(r.range(0.45, 1))}:s=${bw}x${bh}:r=${fps}[b${i}];[L${i}][b${i}]overlay=x='${x}':y='${y}':eval=frame`);
  }
  // Chain: ground → L0, each overlay's output feeds the next.
  let chain = `${parts[0]}[L0];`;
  for (let i = 0; i < count; i++) chain += `${parts[i + 1]}${i + 1 < count ? `[L${i + 1}];` : ''}`;
  return chain;
}

/** A coarse random field re-drawn a few times a second and blended between draws (morphing clouds). */
function noise(s: Shot): string {
  const { w, h, fps, r } = s;
  const rate = f3(lerp(1, 10, s.speed));
  return (
    `color=c=gray:s=${Math.round(w / 10)}x${Math.round(h / 10)}:r=${rate},noise=alls=100:allf=t+u:all_seed=${r.seed() % 100000},` +
    `format=gray,framerate=fps=${fps},scale=${w}x${h}:flags=bicubic`
  );
}

/** ffmpeg's rotating multi-stop gradients, in greys. */
function gradients(s: Shot): string {
  const { w, h, fps, r } = s;
  const n = 2 + r.int(3);
  const levels = Array.from({ length: n }, (_, i) => (i % 2 ? r.range(0.6, 1) : r.range(0, 0.35)));
  const speed = lerp(0.004, 0.06, s.speed);
  const seed = r.seed() % 100000;
  const [hw, hh] = [Math.round(w / 2), Math.round(h / 2)];
  // Rendered at half size: gradients are smooth, so upscaling loses nothing and saves 3/4 of the work.
  const upscale = `format=gray,scale=${w}x${h}:flags=bilinear`;
  if (!HAS_GRADIENTS()) return gradientsByGeq(hw, hh, fps, levels, speed, seed, upscale);
  const stops = levels.map((l, i) => `c${i}=${gray(l)}`).join(':');
  return `gradients=s=${hw}x${hh}:r=${fps}:n=${n}:${stops}:speed=${f3(speed)}:seed=${seed},${upscale}`;
}

/**
 * The same look for an ffmpeg without the `gradients` source (before 4.4, e.g. the bundled
 * build): a band profile with n−1 dark↔light transitions along a direction that turns by
 * `speed` radians per frame, as `gradients` turns, drawn by geq.
 */
function gradientsByGeq(w: number, h: number, fps: number, levels: number[], speed: number, seed: number, upscale: string): string {
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const lo = 255 * mean(levels.filter((_, i) => i % 2 === 0));
  const hi = 255 * mean(levels.filter((_, i) => i % 2 === 1));
  const angle = `${f3((seed % 628) / 100)}+${f3(speed * fps)}*T`;
  const along = `((X-W/2)*cos(${angle})+(Y-H/2)*sin(${angle}))/hypot(W,H)+0.5`;
  const lum = `${f3(lo)}+${f3(hi - lo)}*(0.5-0.5*cos(PI*${levels.length - 1}*(${along})))`;
  return `color=c=black:s=${w}x${h}:r=${fps},format=gray,geq=lum='${lum}',${upscale}`;
}

/** An elementary cellular automaton scrolling up, rows per second set by speed. */
function cellauto(s: Shot): string {
  const { w, h, fps, r } = s;
  const rate = f3(lerp(3, 24, s.speed));
  return (
    `cellauto=s=${Math.round(w / 4)}x${Math.round(h / 4)}:rule=${r.pick(CA_RULES)}:rate=${rate}:scroll=1:` +
    `random_fill_ratio=${f3(r.range(0.2, 0.6))}:random_seed=${r.seed() % 100000},format=gray,fps=${fps},scale=${w}x${h}:flags=neighbor`
  );
}

/** Conway's life with mould trails, generations per second set by speed. */
function life(s: Shot): string {
  const { w, h, fps, r } = s;
  const rate = f3(lerp(1.5, 12, s.speed));
  // Coarse cells, softened by the upscale: a pixel-sharp board is far costlier to encode.
  return (
    `life=s=${Math.round(w / 5)}x${Math.round(h / 5)}:rate=${rate}:ratio=${f3(r.range(0.15, 0.45))}:seed=${r.seed() % 100000}:` +
    `mold=${10 + r.int(40)}:life_color=white:death_color=black:mold_color=0x505050,format=gray,fps=${fps},scale=${w}x${h}:flags=bilinear`
  );
}

/** A still cloud texture, zoomed and panned on slow sine paths whose rates grow with speed. */
function pan(s: Shot): string {
  const { w, h, fps, r } = s;
  const zf = f3(2 * Math.PI * s.speed * r.range(0.05, 0.2));
  const xf = f3(2 * Math.PI * s.speed * r.range(0.1, 0.35));
  const yf = f3(2 * Math.PI * s.speed * r.range(0.1, 0.35));
  const [p1, p2, p3] = [f3(r.range(0, 6.28)), f3(r.range(0, 6.28)), f3(r.range(0, 6.28))];
  // The looped still comes in at fps frames a second, so its frame count over fps is its time.
  const t = HAS_ZOOMPAN_IN_TIME() ? 'in_time' : `(in/${fps})`;
  return (
    `color=c=gray:s=${Math.round(w / 6)}x${Math.round(h / 6)}:r=${fps}:d=${f3(1 / fps)},noise=alls=100:allf=u:all_seed=${r.seed() % 100000},` +
    `format=gray,scale=${2 * w}x${2 * h}:flags=bicubic,loop=loop=-1:size=1,` +
    `zoompan=z='1.4+0.35*sin(${zf}*${t}+${p1})':x='(iw-iw/zoom)/2*(1+sin(${xf}*${t}+${p2}))':` +
    `y='(ih-ih/zoom)/2*(1+sin(${yf}*${t}+${p3}))':d=1:s=${w}x${h}:fps=${fps}`
  );
}

const STYLE_CHAINS: Record<VideoStyle, (s: Shot) => string> = { shapes, noise, gradients, cellauto, life, pan };

/** HSL (h in degrees) → BT.601 limited-range Y, U, V. */
function hslToYuv(hue: number, sat: number, light: number): [number, number, number] {
  const c = (1 - Math.abs(2 * light - 1)) * sat;
  const hp = (((hue % 360) + 360) % 360) / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r1, g1, b1] = hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = light - c / 2;
  const [r, g, b] = [r1 + m, g1 + m, b1 + m];
  return [16 + 65.481 * r + 128.553 * g + 24.966 * b, 128 - 37.797 * r - 74.203 * g + 112 * b, 128 + 112 * r - 93.786 * g - 18.214 * b];
}

/** The palette as a lutyuv: grey pattern → luma between a dark and a light shade, one chroma. */
export function paletteFilter(hue: number, saturation: number, lightness: number): string {
  const spread = 0.18;
  const [yLo, uLo, vLo] = hslToYuv(hue, saturation, Math.max(0.02, lightness - spread));
  const [yHi, uHi, vHi] = hslToYuv(hue, saturation, Math.min(0.98, lightness + spread));
  const u = Math.round((uLo + uHi) / 2);
  const v = Math.round((vLo + vHi) / 2);
  return `lutyuv=y='${f3(yLo)}+(clip(val,16,235)-16)*${f3((yHi - yLo) / 219)}':u=${u}:v=${v}`;
}

/** Frame counts of the shots between the planned cuts. */
export function shotFrames(cuts: readonly number[], clipSeconds: number, fps: number): number[] {
  const bounds = [0, ...cuts.map((t) => Math.round(t * fps)), Math.round(clipSeconds * fps)];
  return bounds.slice(1).map((b, i) => b - bounds[i]).filter((n) => n > 0);
}

/**
 * Each shot gets its own exposure (grey levels shifted up and down on alternate shots, contrast
 * ±20 %), as two takes rarely match: without it a cut between two shots of one pattern and one
 * palette (noise, clouds, automata) changes neither the colours nor the brightness, and could not
 * be seen. Alternating keeps the clip's mean lightness, which carries valence, where it was.
 */
export function shotExposure(k: number, r: Rng): string {
  const shift = (k % 2 ? 1 : -1) * r.range(25, 45);
  const gain = r.range(0.8, 1.2);
  return `lutyuv=y='clip(125.5+(val-125.5)*${f3(gain)}+${f3(shift)},16,235)'`;
}

/** The whole -filter_complex for a pair; its output pad is [v]. */
export function videoGraph(pair: CorpusPair, opts: CorpusOptions): string {
  const n = pair.nuisance;
  const speed = lerp(0.15, 1, pair.latent.arousal);
  const chain = STYLE_CHAINS[n.style];
  const shots = shotFrames(n.cuts, opts.clipSeconds, opts.fps).map((frames, k) => {
    const s: Shot = { frames, speed, r: rng(mixSeed(n.videoSeed, k)), w: opts.width, h: opts.height, fps: opts.fps };
    const pattern = chain(s);
    return `${pattern},trim=end_frame=${frames},setpts=PTS-STARTPTS,format=yuv420p,${shotExposure(k, s.r)},setsar=1[s${k}]`;
  });
  // Overlay pads inside the shapes chains are unique per shot.
  const graph = shots.map((g, k) => g.replace(/\[(L|b)(\d+)\]/g, `[$1${k}_$2]`));
  const inputs = shots.map((_, k) => `[s${k}]`).join('');
  return `${graph.join(';')};${inputs}concat=n=${shots.length}:v=1:a=0,${paletteFilter(n.hue, n.saturation, n.lightness)}[v]`;
}

/** Encoder settings tuned for speed at this tiny frame size (one thread: pairs run in parallel). */
export function videoCodecArgs(container: VideoContainer, fps: number): string[] {
  const common = ['-r', String(fps), '-pix_fmt', 'yuv420p', '-threads', '1'];
  return container === 'mp4'
    ? ['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '26', ...common, '-movflags', '+faststart', '-f', 'mp4']
    : ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '300k', ...common, '-f', 'webm'];
}
