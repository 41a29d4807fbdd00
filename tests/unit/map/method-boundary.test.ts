/**
 * Which layout a map gets at the boundary the docs state: PCA below 300 rows (UMAP_FROM), UMAP
 * from 300 on — so 299 rows are PCA and exactly 300 are UMAP.
 */
import { describe, expect, it } from 'vitest';
import { layoutVectors, UMAP_FROM } from '../../../electron/engine/map/layout';
import { createRng } from '../../../electron/engine/util/prng';

function rows(n: number, dim: number): Float32Array {
  const rng = createRng(n);
  return Float32Array.from({ length: n * dim }, () => rng.next() * 2 - 1);
}

describe('layoutVectors at the PCA / UMAP boundary', () => {
  it('the boundary is 300 rows', () => {
    expect(UMAP_FROM).toBe(300);
  });

  it('299 rows: PCA', async () => {
    const layout = await layoutVectors(rows(299, 4), 4);
    expect(layout.method).toBe('PCA');
    expect(layout.points).toHaveLength(299);
  });

  it('300 rows: UMAP', async () => {
    const layout = await layoutVectors(rows(300, 4), 4);
    expect(layout.method).toBe('UMAP');
    expect(layout.points).toHaveLength(300);
  });
});
