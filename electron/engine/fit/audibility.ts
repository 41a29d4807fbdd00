/**
 * How audible a cut at time t is, measured on the audio alone (the planner never sees it): the
 * spectral jump between the half beat before t and the half beat after, as the RMS over 40
 * log-mel bands of the difference of their mean levels (dB), plus 10 × (1 − cosine) of their
 * chroma (a full chord change reads ≈ 5). The same measure at a track's own bar lines is the
 * baseline a splice should not exceed: music changes there too.
 */
import { AUDIO_SPEC } from '../features/spec';
import { SpectralAnalyser } from '../features/spectral';
import { Stft } from '../features/stft';

const S = AUDIO_SPEC;

function meanSpectrum(pcm: Float32Array, a: number, b: number): { mel: Float64Array; chroma: Float64Array } {
  const mel = new Float64Array(S.melBands);
  const chroma = new Float64Array(12);
  const spectral = new SpectralAnalyser(S.sampleRate, S.nfft, S.melBands, S.melFmin, S.melFmax, S.floorDb, S.rolloff, S.chromaFmin, S.chromaFmax, S.bassFmax);
  let frames = 0;
  const lo = Math.max(0, Math.round(a * S.sampleRate));
  const hi = Math.min(pcm.length, Math.round(b * S.sampleRate));
  const half = S.nfft / 2;
  const hop = 256;
  // Only frames wholly inside [a, b]: none reaches across the cut.
  const stft = new Stft(S.nfft, hop, (power, j) => {
    const centre = j * hop;
    if (centre < half || centre > hi - lo - half) return;
    const f = spectral.analyse(power);
    for (let i = 0; i < S.melBands; i++) mel[i] += f.melDb[i];
    for (let i = 0; i < 12; i++) chroma[i] += f.chroma[i];
    frames++;
  });
  if (hi > lo) stft.push(pcm.subarray(lo, hi));
  for (let i = 0; i < S.melBands; i++) mel[i] /= frames || 1;
  return { mel, chroma };
}

/** Audibility of a cut at `t` seconds in mono PCM at AUDIO_SPEC.sampleRate, beat period `beat` seconds. */
export function spliceAudibility(pcm: Float32Array, t: number, beat: number): number {
  // At least one analysis window each side, even at fast tempi.
  const w = Math.max(beat / 2, (S.nfft + 512) / S.sampleRate);
  const before = meanSpectrum(pcm, t - w, t - 0.005);
  const after = meanSpectrum(pcm, t + 0.005, t + w);
  let sq = 0;
  for (let i = 0; i < S.melBands; i++) sq += (before.mel[i] - after.mel[i]) ** 2;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < 12; i++) {
    ab += before.chroma[i] * after.chroma[i];
    aa += before.chroma[i] ** 2;
    bb += after.chroma[i] ** 2;
  }
  const cos = aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 1;
  return Math.sqrt(sq / S.melBands) + 10 * (1 - cos);
}
