/**
 * Render one pair to disk with a single ffmpeg process: the clip from the lavfi graph and the
 * track from synthesised PCM piped to stdin as f32le (no temporary WAV). Both files are written
 * under temporary names and renamed only when ffmpeg succeeded, so a file with its final name
 * is always complete (that is what resume relies on).
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { cancelledError, NeedledropError } from '../errors';
import { ffmpegPath } from '../media/ffmpeg-path';
import { spawnTool } from '../media/process';
import { synthTrack } from './music';
import type { AudioFormat, CorpusOptions, CorpusPair } from './types';
import { videoCodecArgs, videoGraph } from './video';

const AUDIO_ARGS: Record<AudioFormat, string[]> = {
  ogg: ['-c:a', 'libvorbis', '-q:a', '3', '-f', 'ogg'],
  mp3: ['-c:a', 'libmp3lame', '-q:a', '4', '-compression_level', '7', '-f', 'mp3'],
  flac: ['-c:a', 'flac', '-compression_level', '2', '-f', 'flac'],
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
};

const partName = (file: string): string => join(dirname(file), `.part-${basename(file)}`);

/** True when both of the pair's files exist under their final names. */
export function pairComplete(pair: CorpusPair, outDir: string): boolean {
  return existsSync(join(outDir, pair.video)) && existsSync(join(outDir, pair.music));
}

export function ffmpegArgs(pair: CorpusPair, opts: CorpusOptions, videoOut: string, musicOut: string): string[] {
  return [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'f32le', '-ar', String(opts.sampleRate), '-ac', '1', '-i', 'pipe:0',
    '-filter_complex', videoGraph(pair, opts), '-filter_complex_threads', '1',
    '-map', '[v]', '-frames:v', String(Math.round(opts.clipSeconds * opts.fps)),
    ...videoCodecArgs(pair.nuisance.videoContainer, opts.fps), '-map_metadata', '-1', videoOut,
    '-map', '0:a', ...AUDIO_ARGS[pair.nuisance.audioFormat], '-map_metadata', '-1', musicOut,
  ];
}

/** Synthesise and encode one pair into `outDir`; rejects with a cancelled error on abort. */
export async function renderPair(pair: CorpusPair, opts: CorpusOptions, outDir: string, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw cancelledError('corpus generation');
  const video = join(outDir, pair.video);
  const music = join(outDir, pair.music);
  const [videoPart, musicPart] = [partName(video), partName(music)];
  const pcm = synthTrack(pair, opts);
  try {
    await runFfmpeg(ffmpegArgs(pair, opts, videoPart, musicPart), pcm, signal);
    await rename(musicPart, music);
    await rename(videoPart, video);
  } catch (err) {
    // Best-effort clean-up: a part name it cannot remove (a folder in the way) must not hide why the pair failed.
    await Promise.allSettled([rm(videoPart, { force: true }), rm(musicPart, { force: true })]);
    throw err;
  }
}

async function runFfmpeg(args: string[], pcm: Float32Array, signal?: AbortSignal): Promise<void> {
  // Through spawnTool, so a TERM/HUP/INT to a script rendering corpora ends this ffmpeg with it.
  const p = spawnTool(ffmpegPath(), args, signal, 0, new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  p.child.stdout.resume();
  try {
    const exit = await p.exited;
    if (signal?.aborted) throw cancelledError('corpus generation');
    if (exit.code !== 0) {
      throw new NeedledropError('internal', `ffmpeg failed rendering a corpus pair (exit ${exit.code ?? exit.signal}): ${p.stderr.text().join('; ')}`);
    }
  } finally {
    await p.dispose().catch(() => undefined);
  }
}
