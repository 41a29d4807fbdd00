/** The features module's public surface. */
export type { FeatureSeq, Modality } from './types';
export { AUDIO_SPEC, VIDEO_SPEC, STEP, AUDIO_NAMES, VIDEO_NAMES } from './spec';
export { extractAudioFeatures, AudioFeatureExtractor, type AudioFeatures, type AudioSummary } from './audio';
export { extractVideoFeatures, VideoFeatureExtractor, type VideoFeatures, type VideoSummary } from './video';
export { extractFeatures, type Features, type FeaturesOptions } from './extract';
export type { ExtractOptions, Partial } from './range';
