/** Synthetic corpora for training tests, rendered by the engine's own generator. */
import { generateCorpus } from '../../electron/engine/corpus/generate';

/** The quickest render that still trains: 1 s clips and tracks, 32×32 video at 8 fps, 22.05 kHz audio, one worker. */
export const TINY_RENDER = { clipSeconds: 1, trackSeconds: 1, width: 32, height: 32, fps: 8, sampleRate: 22050, jobs: 1 } as const;

/** A tiny corpus of `pairs` pairs (12: enough to train and score), its manifest returned. */
export function tinyCorpus(outDir: string, seed: number, pairs = 12): ReturnType<typeof generateCorpus> {
  return generateCorpus({ ...TINY_RENDER, seed, pairs, outDir });
}
