/**
 * Hostile media for robustness tests and scripts/bench/robustness.ts: odd, broken and
 * malicious files made with the real ffmpeg (and byte surgery on its output) in a directory the
 * caller owns. Seeded: the same seed writes the same bytes on one ffmpeg build.
 *
 * Every item has a role: `audio` items go in the music library (the indexer must index or report
 * each), `clip` items are videos to match and export with. `library` is the folder holding
 * every audio item; clips sit beside it in `clips`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng, type Rng } from '../../electron/engine/util/prng';
import { ffmpeg } from './media';

export type HostileRole = 'audio' | 'clip';

export interface HostileItem {
  kind: string;
  role: HostileRole;
  /** Absolute path as a user reads it (bytes that are not UTF-8 shown as \xNN, as the scan reports them). */
  path: string;
  /** For the growing file: start appending; returns a function that stops. */
  grow?: () => () => Promise<void>;
}

export interface HostileSet {
  library: string;
  clips: string;
  items: HostileItem[];
}

export interface HostileOptions {
  seed?: number;
  /** Kinds to leave out (e.g. 'one hour of silence' in quick tests). */
  skip?: readonly string[];
  /** Only these kinds (plus the good references). */
  only?: readonly string[];
}

interface Ctx {
  lib: string;
  clips: string;
  rng: Rng;
  /** Scratch folder for sources that are cut or spliced. */
  src: string;
}

type Maker = (c: Ctx) => Promise<string>;

interface KindDef {
  kind: string;
  role: HostileRole;
  make: Maker;
  grow?: (path: string) => () => Promise<void>;
}

const TONES = (f: number, d = 4): string[] => [
  '-f', 'lavfi', '-i', `aevalsrc=0.3*sin(2*PI*${f}*t)*(0.6+0.4*sin(2*PI*2*t))+0.1*sin(2*PI*${f * 1.5}*t):s=44100:d=${d}`,
];
const CLIP = (size = '160x90', d = 3, rate = 12): string[] => ['-f', 'lavfi', '-i', `testsrc2=s=${size}:r=${rate}:d=${d}`];
const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

const AUDIO_CODECS: Record<string, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '128k'],
  flac: ['-c:a', 'flac'],
  ogg: ['-c:a', 'libvorbis'],
  m4a: ['-c:a', 'aac', '-movflags', '+faststart'],
};

function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(256);
  return b;
}

/** The first `fraction` of `source`'s bytes written to `out` (at least one byte). */
function cut(source: string, out: string, fraction: number): string {
  const bytes = readFileSync(source);
  writeFileSync(out, bytes.subarray(0, Math.max(1, Math.floor(bytes.length * fraction))));
  return out;
}

/** A distinct good track per use, so no two library files share content (the indexer treats equal content as a move). */
let toneCounter = 0;
const goodOgg = (dir: string, name: string): Promise<string> => ffmpeg([...TONES(300 + 17 * toneCounter++), '-c:a', 'libvorbis'], join(dir, name));

function kinds(): KindDef[] {
  const out: KindDef[] = [
    // References that must work, so the bench has something to match and export with.
    { kind: 'good music (ogg)', role: 'audio', make: (c) => goodOgg(c.lib, 'good.ogg') },
    { kind: 'good clip (mp4)', role: 'clip', make: (c) => ffmpeg([...CLIP(), ...X264], join(c.clips, 'good.mp4')) },
    { kind: 'zero bytes', role: 'audio', make: async (c) => (writeFileSync(join(c.lib, 'zero.mp3'), ''), join(c.lib, 'zero.mp3')) },
  ];
  for (const fmt of ['mp3', 'flac', 'ogg', 'm4a']) {
    for (const pct of [1, 50, 99]) {
      out.push({
        kind: `${fmt} truncated at ${pct}%`,
        role: 'audio',
        make: async (c) => {
          const whole = await ffmpeg([...TONES(220 + pct, 8), ...AUDIO_CODECS[fmt]], join(c.src, `whole-${fmt}-${pct}.${fmt}`));
          return cut(whole, join(c.lib, `cut-${pct}.${fmt}`), pct / 100);
        },
      });
    }
  }
  for (const pct of [1, 50, 99]) {
    out.push({
      kind: `mp4 truncated at ${pct}%`,
      role: 'clip',
      make: async (c) => {
        const whole = await ffmpeg([...CLIP('160x90', 4), ...TONES(440, 4), ...X264, '-c:a', 'aac', '-movflags', '+faststart', '-shortest'], join(c.src, `whole-${pct}.mp4`));
        return cut(whole, join(c.clips, `cut-${pct}.mp4`), pct / 100);
      },
    });
  }
  out.push(
    {
      kind: 'wav header, mp3 body',
      role: 'audio',
      make: async (c) => {
        const wav = await ffmpeg([...TONES(500), '-c:a', 'pcm_s16le'], join(c.src, 'hdr.wav'));
        const mp3 = await ffmpeg([...TONES(510), ...AUDIO_CODECS.mp3], join(c.src, 'body.mp3'));
        const p = join(c.lib, 'wav-header-mp3-body.wav');
        writeFileSync(p, Buffer.concat([readFileSync(wav).subarray(0, 44), readFileSync(mp3)]));
        return p;
      },
    },
    {
      kind: 'flac header, ogg body',
      role: 'audio',
      make: async (c) => {
        const flac = await ffmpeg([...TONES(520), ...AUDIO_CODECS.flac], join(c.src, 'hdr.flac'));
        const ogg = await ffmpeg([...TONES(530), ...AUDIO_CODECS.ogg], join(c.src, 'body.ogg'));
        const p = join(c.lib, 'flac-header-ogg-body.flac');
        writeFileSync(p, Buffer.concat([readFileSync(flac).subarray(0, 8192), readFileSync(ogg)]));
        return p;
      },
    },
  );
  for (const ext of ['mp3', 'flac', 'ogg', 'm4a']) {
    out.push({ kind: `random bytes named .${ext}`, role: 'audio', make: async (c) => (writeFileSync(join(c.lib, `random.${ext}`), randomBytes(c.rng, 65536)), join(c.lib, `random.${ext}`)) });
  }
  out.push(
    { kind: 'random bytes named .mp4', role: 'clip', make: async (c) => (writeFileSync(join(c.clips, 'random.mp4'), randomBytes(c.rng, 65536)), join(c.clips, 'random.mp4')) },
    { kind: 'text named .mp3', role: 'audio', make: async (c) => (writeFileSync(join(c.lib, 'text.mp3'), 'not music\n'.repeat(200)), join(c.lib, 'text.mp3')) },
    { kind: '8 kHz', role: 'audio', make: (c) => ffmpeg(['-f', 'lavfi', '-i', 'sine=f=600:d=4:sample_rate=8000', '-c:a', 'pcm_s16le'], join(c.lib, 'rate-8k.wav')) },
    { kind: '192 kHz', role: 'audio', make: (c) => ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*700*t):s=192000:d=4', '-c:a', 'flac'], join(c.lib, 'rate-192k.flac')) },
    { kind: '6 channels', role: 'audio', make: (c) => ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*800*t):c=5.1:s=44100:d=4', '-c:a', 'flac'], join(c.lib, 'ch6.flac')) },
    { kind: '8 channels', role: 'audio', make: (c) => ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*900*t):c=7.1:s=44100:d=4', '-c:a', 'flac'], join(c.lib, 'ch8.flac')) },
    { kind: 'under 0.1 s', role: 'audio', make: (c) => ffmpeg(['-f', 'lavfi', '-i', 'sine=f=1000:d=0.05', '-c:a', 'pcm_s16le'], join(c.lib, 'blip.wav')) },
    { kind: 'one hour of silence', role: 'audio', make: (c) => ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-t', '3600', '-c:a', 'flac'], join(c.lib, 'hour-of-silence.flac')) },
    { kind: 'near-silent noise', role: 'audio', make: (c) => ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=a=0.00003:d=6:r=44100:seed=16', '-c:a', 'flac'], join(c.lib, 'near-silent.flac')) },
    { kind: 'pure sine', role: 'audio', make: (c) => ffmpeg(['-f', 'lavfi', '-i', 'sine=f=440:d=10', '-c:a', 'flac'], join(c.lib, 'sine-440.flac')) },
    {
      kind: 'NaN and Inf samples (float wav)',
      role: 'audio',
      make: (c) => ffmpeg(['-f', 'lavfi', '-i', "aevalsrc='if(between(t,1,1.01),0/0,if(between(t,2,2.01),1/0,0.4*sin(2*PI*330*t)))':s=44100:d=4", '-c:a', 'pcm_f32le'], join(c.lib, 'nan-inf.wav')),
    },
    {
      kind: '5,000-character tags',
      role: 'audio',
      make: (c) => ffmpeg([...TONES(610), '-metadata', `title=${'T'.repeat(5000)}`, '-metadata', `artist=${'Ä'.repeat(5000)}`, ...AUDIO_CODECS.mp3], join(c.lib, 'long-tags.mp3')),
    },
    {
      kind: 'several audio streams',
      role: 'audio',
      make: (c) => ffmpeg([...TONES(620), ...TONES(630), '-map', '0:a', '-map', '1:a', '-c:a', 'libvorbis'], join(c.lib, 'two-streams.mka')),
    },
    {
      kind: 'subtitles only',
      role: 'audio',
      make: (c) => {
        const srt = join(c.src, 'subs.srt');
        writeFileSync(srt, '1\n00:00:00,000 --> 00:00:02,000\nhello\n');
        return ffmpeg(['-i', srt, '-c:s', 'srt'], join(c.lib, 'subtitles-only.mka'));
      },
    },
    { kind: 'VFR video', role: 'clip', make: (c) => ffmpeg([...CLIP('160x90', 3, 24), '-vf', "setpts='N/24/TB+0.02*sin(N)/TB'", '-vsync', 'vfr', ...X264], join(c.clips, 'vfr.mp4')) },
    { kind: '2×2 frames', role: 'clip', make: (c) => ffmpeg([...CLIP('2x2'), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv444p'], join(c.clips, 'tiny-2x2.mp4')) },
    { kind: '4000×4000 frames', role: 'clip', make: (c) => ffmpeg([...CLIP('4000x4000', 1, 4), ...X264], join(c.clips, 'huge-4000.mp4')) },
    {
      kind: 'rotated video',
      role: 'clip',
      // The rotate tag becomes a display matrix only on a stream copy (ffmpeg 5.1).
      make: async (c) => ffmpeg(['-i', await ffmpeg([...CLIP('160x120'), ...X264], join(c.src, 'upright.mp4')), '-c', 'copy', '-metadata:s:v:0', 'rotate=90'], join(c.clips, 'rotated.mp4')),
    },
    { kind: 'GIF', role: 'clip', make: (c) => ffmpeg([...CLIP('80x45', 2, 8)], join(c.clips, 'anim.gif')) },
    { kind: 'still image named .mp4', role: 'clip', make: (c) => ffmpeg([...CLIP('160x90', 1, 1), '-frames:v', '1', '-f', 'image2', '-c:v', 'png'], join(c.clips, 'still-image.mp4')) },
    { kind: 'video with several audio streams', role: 'clip', make: (c) => ffmpeg([...CLIP(), ...TONES(640, 3), ...TONES(650, 3), '-map', '0:v', '-map', '1:a', '-map', '2:a', ...X264, '-c:a', 'aac'], join(c.clips, 'two-audio.mp4')) },
    { kind: 'video without audio', role: 'clip', make: (c) => ffmpeg(['-f', 'lavfi', '-i', 'smptebars=s=160x90:r=12:d=3', ...X264], join(c.clips, 'silent-video.mp4')) },
  );
  const names: Array<[string, string]> = [
    ['name with spaces', 'name with  spaces.ogg'],
    ['name with quotes', `it's "quoted" \`back\`.ogg`],
    ['name with a newline', 'line\nbreak.ogg'],
    ['name with emoji', '🎵 emoji 🎶.ogg'],
    ['name in non-Latin scripts', '日本語 Ελληνικά العربية.ogg'],
    ['name with a leading dash', '-leading-dash.ogg'],
    ['name with shell and URL characters', 'a$b;c|d?e#f%20&g.ogg'],
  ];
  for (const [kind, name] of names) out.push({ kind, role: 'audio', make: (c) => goodOgg(c.lib, name) });
  out.push(
    {
      kind: 'name not valid UTF-8',
      role: 'audio',
      make: async (c) => {
        const good = await goodOgg(c.src, 'latin1.ogg');
        // "café" in Latin-1: 0xe9 alone is not UTF-8.
        writeFileSync(Buffer.concat([Buffer.from(join(c.lib, 'caf')), Buffer.from([0xe9]), Buffer.from('.ogg')]), readFileSync(good));
        return join(c.lib, 'caf\\xe9.ogg');
      },
    },
    { kind: 'dangling symlink', role: 'audio', make: async (c) => (symlinkSync(join(c.lib, 'gone.ogg'), join(c.lib, 'dangling.ogg')), join(c.lib, 'dangling.ogg')) },
    {
      kind: 'symlink loop',
      role: 'audio',
      make: async (c) => {
        symlinkSync(join(c.lib, 'loop-b.mp3'), join(c.lib, 'loop-a.mp3'));
        symlinkSync(join(c.lib, 'loop-a.mp3'), join(c.lib, 'loop-b.mp3'));
        return join(c.lib, 'loop-a.mp3');
      },
    },
    { kind: 'FIFO', role: 'audio', make: async (c) => (execFileSync('mkfifo', [join(c.lib, 'pipe.mp3')]), join(c.lib, 'pipe.mp3')) },
    { kind: 'folder named like audio', role: 'audio', make: async (c) => (mkdirSync(join(c.lib, 'album.flac')), join(c.lib, 'album.flac')) },
    {
      kind: 'file growing while scanned',
      role: 'audio',
      // A WAV whose header states more than is there yet; the test appends PCM while indexing.
      make: async (c) => {
        const full = await ffmpeg([...TONES(700, 6), '-c:a', 'pcm_s16le'], join(c.src, 'growing-full.wav'));
        return cut(full, join(c.lib, 'growing.wav'), 0.3);
      },
      grow: (path) => {
        let stop = false;
        const loop = (async () => {
          const chunk = Buffer.alloc(44100 * 2 * 0.05);
          for (let i = 0; i < 400 && !stop; i++) {
            await appendFile(path, chunk);
            await new Promise((r) => setTimeout(r, 25));
          }
        })();
        return async () => {
          stop = true;
          await loop;
        };
      },
    },
  );
  return out;
}

/** Every kind this generator can make, in order. */
export const HOSTILE_KINDS: readonly string[] = kinds().map((k) => k.kind);

/** Write the hostile set into `dir` (library/, clips/, and a scratch folder). */
export async function makeHostileMedia(dir: string, opts: HostileOptions = {}): Promise<HostileSet> {
  const c: Ctx = { lib: join(dir, 'library'), clips: join(dir, 'clips'), src: join(dir, 'sources'), rng: createRng(opts.seed ?? 13) };
  for (const d of [c.lib, c.clips, c.src]) mkdirSync(d, { recursive: true });
  toneCounter = 0;
  const items: HostileItem[] = [];
  for (const def of kinds()) {
    const reference = def.kind.startsWith('good ');
    if (!reference && opts.only && !opts.only.includes(def.kind)) continue;
    if (opts.skip?.includes(def.kind)) continue;
    const path = await def.make(c);
    items.push({ kind: def.kind, role: def.role, path, ...(def.grow ? { grow: () => def.grow!(path) } : {}) });
  }
  return { library: c.lib, clips: c.clips, items };
}
