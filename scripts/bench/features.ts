/**
 * Feature extraction cost against bare decoding. On a generated 4-minute music file and a
 * generated 60 s 1920×1080 H.264 clip: the time to pull the decoder's output through the pipe
 * and throw it away (same ffmpeg arguments and filters as extraction: that is what decodeAudio/
 * decodeVideoFrames run) against full descriptor extraction. Goal: ratio ≤ 1.3.
 *
 *   npx tsx scripts/bench/features.ts [--runs N] [--keep DIR]
 */
import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { extractAudioFeatures } from '../../electron/engine/features/audio';
import { AUDIO_SPEC, VIDEO_SPEC } from '../../electron/engine/features/spec';
import { analysisHeight, extractVideoFeatures } from '../../electron/engine/features/video';
import { decodeAudio, decodeVideoFrames } from '../../electron/engine/media/decode';
import { displayAspect, probe, videoStream } from '../../electron/engine/media/probe';
import { ffmpeg, musicLike, tempDir } from '../../tests/helpers/media';
import { median, seconds as time } from './stats';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, keep: { type: 'string' } } });
const runs = Math.max(1, Number(values.runs));

async function main(): Promise<void> {
  const tmp = values.keep ? { dir: values.keep, cleanup: async () => undefined } : await tempDir('nd-bench-');
  await mkdir(tmp.dir, { recursive: true });
  try {
    process.stderr.write('generating media…\n');
    const music = await musicLike(tmp.dir, { seconds: 240, name: 'music-4min.m4a' });
    const clip = `${tmp.dir}/clip-1080p-60s.mp4`;
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=30:d=60', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '23', '-pix_fmt', 'yuv420p'], clip);
    // Both cases reuse a probe, as the indexer does (it probes once for tags): the ratio is the
    // descriptors' cost on top of the decode, not ffprobe's start-up.
    const clipInfo = await probe(clip);
    const musicInfo = await probe(music);
    const height = analysisHeight(displayAspect(videoStream(clipInfo)!));

    const cases = [
      {
        name: 'audio 4 min AAC → 22.05 kHz mono',
        decode: async () => {
          for await (const c of decodeAudio(music, { sampleRate: AUDIO_SPEC.sampleRate })) void c;
        },
        extract: () => extractAudioFeatures(music, { info: musicInfo }),
      },
      {
        name: `video 60 s 1080p H.264 → ${VIDEO_SPEC.fps} fps ${VIDEO_SPEC.width}×${height}`,
        decode: async () => {
          for await (const f of decodeVideoFrames(clip, { fps: VIDEO_SPEC.fps, width: VIDEO_SPEC.width, height })) void f;
        },
        extract: () => extractVideoFeatures(clip, { info: clipInfo }),
      },
    ];
    const rows: string[][] = [];
    for (const c of cases) {
      const dec: number[] = [];
      const ext: number[] = [];
      // Alternate so background load hits both sides alike.
      for (let i = 0; i < runs; i++) {
        dec.push(await time(c.decode));
        ext.push(await time(c.extract));
      }
      const d = median(dec);
      const e = median(ext);
      rows.push([c.name, d.toFixed(2), e.toFixed(2), (e / d).toFixed(2), e / d <= 1.3 ? 'yes' : 'NO']);
    }
    const head = ['case', 'decode s', 'extract s', 'ratio', '≤ 1.3'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]): string => r.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
    console.log(`median of ${runs} runs each; audio spec ${AUDIO_SPEC.version}, video spec ${VIDEO_SPEC.version}`);
    console.log(line(head));
    for (const r of rows) console.log(line(r));
  } finally {
    await tmp.cleanup();
  }
}

await main();
