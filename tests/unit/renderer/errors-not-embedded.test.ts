/**
 * A library that is there but not embedded for the active model (review S7) must not be told to
 * "add a music folder and scan it": the hint names the re-embed that activation runs.
 */
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/contract/errors';
import { readable } from '../../../renderer/lib/errors';

describe('the not-indexed hint', () => {
  it('for an empty catalog: add a folder and scan', () => {
    const r = readable(new EngineError({ code: 'not-indexed', message: '/d/catalog.sqlite: no catalog here: index your music first' }));
    expect(r.detail).toMatch(/Add a music folder/);
  });
  it('for tracks without segments under the model: the re-embed, not "add a folder"', () => {
    const r = readable(new EngineError({ code: 'not-indexed', message: 'no segment embeddings for model "ftA" among its 8 tracks (it has segments for "base")' }));
    expect(r.detail).toMatch(/re-embedded/);
    expect(r.detail).not.toMatch(/Add a music folder/);
  });
});
