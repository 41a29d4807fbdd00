/** Moved to util/prng (encoders and corpus need it too); this re-export only serves callers not yet updated. */
export { createRng, shuffleInPlace, type Rng } from '../util/prng';
