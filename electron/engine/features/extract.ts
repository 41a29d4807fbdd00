import { inputError } from '../errors';
import { audioStream, videoStream } from '../media/probe';
import { extractAudioFrom, type AudioFeatures } from './audio';
import { resolveRange, type ExtractOptions } from './range';
import type { Modality } from './types';
import { extractVideoFrom, type VideoFeatures } from './video';

export interface Features {
  audio?: AudioFeatures;
  video?: VideoFeatures;
}

export interface FeaturesOptions extends ExtractOptions {
  /** Which to extract. Absent: every modality the file has. Asking for a missing one is an input error. */
  modalities?: Modality[];
}

/**
 * Descriptors of a file's audio and/or video over one range. With both, the two decoders run
 * concurrently (two ffmpeg processes), and a failure in one aborts the other.
 */
export async function extractFeatures(file: string, opts: FeaturesOptions = {}): Promise<Features> {
  const range = await resolveRange(file, opts);
  const has: Record<Modality, boolean> = { audio: !!audioStream(range.info), video: !!videoStream(range.info) };
  const wanted = opts.modalities ?? (['audio', 'video'] as const).filter((m) => has[m]);
  for (const m of wanted) if (!has[m]) throw inputError(file, `has no ${m} stream`);
  if (wanted.length === 0) throw inputError(file, 'has no audio or video stream');
  const both = new AbortController();
  const onAbort = (): void => both.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const inner = { ...opts, signal: both.signal };
  const guard = <T>(p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      both.abort(err);
      throw err;
    });
  try {
    const [audio, video] = await Promise.all([
      wanted.includes('audio') ? guard(extractAudioFrom(range, inner)) : undefined,
      wanted.includes('video') ? guard(extractVideoFrom(range, inner)) : undefined,
    ]);
    return { ...(audio ? { audio } : {}), ...(video ? { video } : {}) };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
