/**
 * A playlist space made of several music spaces (similarity/space.ts), each weighted: a track's
 * vector is the concatenation of √w_k · v_k over the spaces (weightedConcat), so the dot product of
 * two tracks is Σ w_k · cos_k. References the builders derive (a centroid, a path point) are
 * projected back part by part (each part unit length, times √w_k), which keeps "score = Σ weight ·
 * cosine" exact for them too; `explain` returns those per-space cosines and weights as the why.
 */
import { normalizeInPlace } from '../search/segment-store';
import type { TrackId } from '../search/types';
import { weightedConcat, type WeightedSpace } from '../similarity/space';
import type { PlaylistSpace, SpaceWhy } from './space';

interface Part {
  space: string;
  /** Normalised: the weights sum to 1. */
  weight: number;
  offset: number;
  dim: number;
}

export class CombinedSpace implements PlaylistSpace {
  readonly trackCount: number;
  readonly dim: number;
  /** The spaces, in order, with their normalised weights. */
  readonly parts: readonly Part[];
  /** Tracks some space has no vector for (left out of every playlist until embedded). */
  readonly missing: number[];
  private readonly data: Float32Array;
  private readonly ids: TrackId[];
  private readonly slots: Map<TrackId, number>;
  private readonly energies: Float64Array;

  /** `energyOf` gives a track's energy on the app's 0..1 scale (for energy curves). */
  constructor(spaces: readonly WeightedSpace[], energyOf: (id: TrackId) => number) {
    const joined = weightedConcat(spaces);
    const total = spaces.reduce((s, p) => s + p.weight, 0);
    let offset = 0;
    this.parts = spaces.map((p) => {
      const part = { space: p.vectors.space, weight: p.weight / total, offset, dim: p.vectors.dim };
      offset += p.vectors.dim;
      return part;
    });
    this.data = joined.data;
    this.dim = joined.dim;
    this.ids = joined.trackIds;
    this.trackCount = this.ids.length;
    this.missing = joined.missing;
    this.slots = new Map(this.ids.map((id, i) => [id, i]));
    this.energies = Float64Array.from(this.ids, energyOf);
  }

  trackVectors(): Float32Array {
    return this.data;
  }

  idAt(slot: number): TrackId {
    return this.ids[slot];
  }

  slotOf(id: TrackId): number {
    return this.slots.get(id) ?? -1;
  }

  has(id: TrackId): boolean {
    return this.slots.has(id);
  }

  infoAt(slot: number): { summary: { energy: number } } {
    return { summary: { energy: this.energies[slot] } };
  }

  project(v: Float32Array): Float32Array {
    for (const p of this.parts) {
      const part = normalizeInPlace(v.subarray(p.offset, p.offset + p.dim));
      const scale = Math.sqrt(p.weight);
      for (let x = 0; x < p.dim; x++) part[x] *= scale;
    }
    return v;
  }

  explain(reference: Float32Array, slot: number): SpaceWhy[] {
    const row = slot * this.dim;
    return this.parts.map((p) => {
      let dot = 0;
      let rr = 0;
      let vv = 0;
      for (let x = p.offset; x < p.offset + p.dim; x++) {
        const r = reference[x];
        const v = this.data[row + x];
        dot += r * v;
        rr += r * r;
        vv += v * v;
      }
      const norm = Math.sqrt(rr * vv);
      return { space: p.space, cosine: norm > 0 ? dot / norm : 0, weight: p.weight };
    });
  }
}
