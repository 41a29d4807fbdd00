/**
 * What a CLI match of a short range of a long clip decodes. Since b402a7a a match counts the
 * clip's frame-accurate shot cuts inside its range; until the range-limited detection it found them
 * on the whole file (every frame at 64 px) even for 10 s of a film. Here the clip analysis of a match
 * (the range's 10 fps descriptors and its shot cuts, decoded side by side as app/clip.ts analyzeClip
 * does) on a generated long H.264 clip, before (cuts of the whole file) and after (cuts of the range
 * and the few frames the detector reads around it). The model's embedding and the ranking come after
 * and are the same either way. Prints the median time of each and their ratio.
 *
 *   npx tsx scripts/bench/match-range.ts [--minutes M] [--runs N] [--keep DIR]
 */
import { mkdir } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { extractVideoFeatures } from '../../electron/engine/features/video';
import { detectShotCuts } from '../../electron/engine/features/shot-cuts';
import { probe } from '../../electron/engine/media/probe';
import { ffmpeg, tempDir } from '../../tests/helpers/media';
import { median, seconds as time } from './stats';

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, runs: { type: 'string', default: '3' }, keep: { type: 'string' } } });
const minutes = Math.max(1, Number(values.minutes));
const runs = Math.max(1, Number(values.runs));

async function main(): Promise<void> {
  const kept = values.keep;
  if (kept) await mkdir(kept, { recursive: true });
  const tmp = kept ? { dir: kept, cleanup: async () => undefined } : await tempDir('nd-bench-range-');
  try {
    const clip = `${tmp.dir}/long-${minutes}min-360p.mp4`;
    process.stderr.write(`generating a ${minutes} min clip…\n`);
    await ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=640x360:r=25:d=${minutes * 60}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '250', '-pix_fmt', 'yuv420p'], clip);
    const info = await probe(clip);
    const range = { start: Math.round(info.duration / 2), end: Math.round(info.duration / 2) + 10 };
    const descriptors = (): Promise<unknown> => extractVideoFeatures(clip, { info, start: range.start, duration: range.end - range.start });
    const before: number[] = [];
    const after: number[] = [];
    // Alternate so background load hits both sides alike.
    for (let i = 0; i < runs; i++) {
      before.push(await time(() => Promise.all([descriptors(), detectShotCuts(clip, { info })])));
      after.push(await time(() => Promise.all([descriptors(), detectShotCuts(clip, { info, range })])));
    }
    const b = median(before);
    const a = median(after);
    console.log(`median of ${runs} runs; clip ${minutes} min 640×360 25 fps H.264, range ${range.start}–${range.end} s`);
    console.log('case                                   before s  after s  before/after');
    console.log(`match's clip analysis of a 10 s range  ${b.toFixed(2).padStart(8)}  ${a.toFixed(2).padStart(7)}  ${(b / a).toFixed(1).padStart(12)}`);
  } finally {
    await tmp.cleanup();
  }
}

await main();
