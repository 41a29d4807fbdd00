/**
 * How the clip's own sound is said, one wording for the CLI and the app (review R3.8: a clip whose
 * soundtrack is a library track ranked it 5th, and nothing said its audio was not used). Each front
 * adds its own way to ask for the temp-track ranking (the CLI's flag, the app's toggle).
 */
import type { ClipSoundtrack, TempTrackWhy } from './types';

/**
 * Weight of "sounds like the temp track" in a temp-track ranking; the picture fit has the rest. 0.4: the
 * request is music for the picture first; at 0.4 a recording under the clip (sound ≈ 0.8 against its
 * own whole-track profile) outranks a track whose picture fit is up to 0.5 higher (the spread of picture
 * scores over a library is about 0.2–0.4), and a picture fit still decides between tracks that sound alike.
 */
export const TEMP_TRACK_WEIGHT = 0.4;

/** The clip's own audio in one short line: "the clip has its own music: 38 s, music share 0.82". */
export function soundtrackLine(s: ClipSoundtrack): string {
  if (s.kind === 'none') return s.cause ? `the clip's audio could not be decoded (${s.cause}): not used` : 'the clip has no audio stream';
  const share = `music share ${(s.music ?? 0).toFixed(2)}`;
  if (s.kind === 'music') return `the clip has its own music: ${s.seconds.toFixed(0)} s, ${share}`;
  return `the clip's own audio is mostly ${s.kind} (${share}): not music to rank by`;
}

/** The temp-track ranking's weights, as the why and the header say them: "picture 0.6 + sounds like the temp track 0.4". */
export function tempTrackWeights(w: Pick<TempTrackWhy, 'pictureWeight' | 'soundWeight'>): string {
  return `picture ${w.pictureWeight.toFixed(1)} + sounds like the temp track ${w.soundWeight.toFixed(1)}`;
}

/** One result's temp-track why: each part with its weight, and where the clip's music is this very recording. */
export function tempTrackWhyLine(w: TempTrackWhy): string {
  const parts = `picture ${w.picture.toFixed(3)} × ${w.pictureWeight.toFixed(1)} + sounds like the temp track ${w.sound.toFixed(3)} × ${w.soundWeight.toFixed(1)}`;
  return w.recording ? `${parts}; the temp track itself, from ${w.recording.offset.toFixed(1)} s (correlation ${w.recording.correlation.toFixed(2)})` : parts;
}
