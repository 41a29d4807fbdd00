import type { SegmentSet } from '../catalog/types';
import type { SegmentEmbedding } from './contracts';

/** An embedder's output in the catalog's storage shape, checked: a bad embedder must not poison search. */
export function toSegmentSet(e: SegmentEmbedding): SegmentSet {
  const n = e.starts.length;
  if (!Number.isInteger(e.dim) || e.dim < 1) throw new Error(`embedder returned dim ${e.dim}`);
  if (e.data.length !== n * e.dim) throw new Error(`embedder returned ${e.data.length} values for ${n} segments × ${e.dim}`);
  return { starts: Float32Array.from(e.starts), data: e.data, dim: e.dim };
}
