/**
 * Render one pair to disk with a single ffmpeg process: the clip from the lavfi graph and the
 * track from synthesised PCM piped to stdin as f32le (no temporary WAV). Both files are written
 * under temporary names and renamed only when ffmpeg succeeded, so a file with its final name
 * is always complete (that is what resume relies on).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { cancelledError, NeedledropError } from '../errors';
import { ffmpegPath } from '../media/ffmpeg-path';
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

function runFfmpeg(args: string[], pcm: Float32Array, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    let aborted = false;
    const onAbort = (): void => {
      aborted = true;
      child.kill('SIGKILL');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4000) stderr += d.toString();
    });
    // ffmpeg closing its stdin early (it failed) shows up as EPIPE here; its exit code tells the story.
    child.stdin.on('error', () => undefined);
    child.stdin.end(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    child.on('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new NeedledropError('internal', `could not start ffmpeg: ${err.message}`, { cause: err }));
    });
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (aborted) reject(cancelledError('corpus generation'));
      else if (code === 0) resolve();
      else reject(new NeedledropError('internal', `ffmpeg failed rendering a corpus pair (exit ${code}): ${stderr.trim()}`));
    });
  });
}
