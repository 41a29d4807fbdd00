/** The synthetic paired corpus: public API. */
export { generateCorpus, loadCorpus, MANIFEST_NAME } from './generate';
export { planCorpus, planExtraTestPairs, DEFAULT_OPTIONS } from './plan';
export { synthTrack } from './music';
export { renderPair } from './render';
export * from './types';
