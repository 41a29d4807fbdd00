import type { Latent } from '../corpus/types';

/**
 * Soft positives: each pair's target distribution over the pairs of its batch, a Gaussian kernel of
 * the distance between their latents (arousal, valence, pace), row-normalised:
 * q_ij ∝ exp(−‖z_i − z_j‖² / 2σ²). Mood-class positives count a whole class alike, so the model
 * is never asked to rank inside one; these ask for nearer moods to score higher, which is what a
 * gallery of hundreds of tracks needs. The kernel is symmetric, so row i also serves as pair i's
 * distribution in the music → video direction. Returns B × B, row-major.
 */
export function latentTargets(latents: readonly Latent[], sigma: number): Float32Array {
  if (!(sigma > 0 && Number.isFinite(sigma))) throw new RangeError(`soft positives: sigma must be a positive number, got ${sigma}`);
  const n = latents.length;
  const out = new Float32Array(n * n);
  const scale = 1 / (2 * sigma * sigma);
  for (let i = 0; i < n; i++) {
    const a = latents[i];
    // The pair's own weight is exp(0) = 1: a row never underflows to all zeros, however small σ.
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const b = latents[j];
      const d2 = (a.arousal - b.arousal) ** 2 + (a.valence - b.valence) ** 2 + (a.pace - b.pace) ** 2;
      const w = Math.exp(-d2 * scale);
      out[i * n + j] = w;
      sum += w;
    }
    for (let j = 0; j < n; j++) out[i * n + j] /= sum;
  }
  return out;
}
