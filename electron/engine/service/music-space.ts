/**
 * "Sounds like": the combined music space for `similar` — the learned music space (once the
 * library is big enough to train one) with descriptor statistics, and the cross-modal mood
 * space — weighted as SPACE_WEIGHTS says, each space's cosine and weight returned as the why.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CuratedTrack } from '../../contract/types';
import type { Library } from '../app/library';
import { MUSIC_SPACE_MIX, SPACE_WEIGHTS, combinedScores, trackVectors, type TrackVectors, type WeightedSpace } from '../similarity/space';
import { readSpaceManifest } from '../similarity/model';

export const musicSpaceDir = (dataDir: string): string => join(dataDir, 'music-space');

/** Descriptor statistics take a DCT per step of every track: computed once per catalog state. */
export class MusicSpaceCache {
  private stats: TrackVectors | null = null;
  clear(): void {
    this.stats = null;
  }
  async descriptorStats(lib: Library): Promise<TrackVectors> {
    this.stats ??= await trackVectors(lib.db, { kind: 'descriptor-stats' });
    return this.stats;
  }
}

export async function similarCombined(lib: Library, dataDir: string, cache: MusicSpaceCache, trackId: number, top: number): Promise<CuratedTrack[]> {
  const dir = musicSpaceDir(dataDir);
  const learned = existsSync(dir) && (await readSpaceManifest(dir)) ? await trackVectors(lib.db, { kind: 'learned', dir }) : null;
  const stats = await cache.descriptorStats(lib);
  const mood = await trackVectors(lib.db, { kind: 'mood', modelVersion: lib.version });
  const music = SPACE_WEIGHTS.similar.music;
  const parts: WeightedSpace[] =
    learned && learned.trackIds.includes(trackId)
      ? [
          { vectors: learned, weight: music * MUSIC_SPACE_MIX.learned },
          { vectors: stats, weight: music * MUSIC_SPACE_MIX.descriptorStats },
          { vectors: mood, weight: SPACE_WEIGHTS.similar.mood },
        ]
      : // No learned space yet (a small library): descriptor statistics stand in for it.
        [
          { vectors: stats, weight: music },
          { vectors: mood, weight: SPACE_WEIGHTS.similar.mood },
        ];
  const r3 = (x: number): number => Math.round(x * 1000) / 1000;
  return combinedScores(parts, trackId)
    .slice(0, top)
    .map((s, i) => ({
      position: i + 1,
      track: lib.view(s.trackId),
      score: r3(s.score),
      why: s.why.map((w) => ({ space: w.space, cosine: r3(w.cosine), weight: r3(w.weight) })),
    }));
}
