/** The fit module's public surface: fit a track to a clip's length, render it, hand it off. */
export type { TrackGrid, FitPlan, KeptRange, Splice, HitReport, EndMode } from './types';
export { analyseTrack, gridFromPcm, decodeTrack, type KnownBeats } from './analyse';
export { scoreSplices, type SpliceCandidates } from './splices';
export { planFit, type PlanOptions } from './plan';
export { renderFit, type RenderResult, type RenderOptions } from './render';
export { countHits, HIT_TOLERANCE } from './hits';
export { fitTrackToClip, fitOutputs, renderFitForExport, type FitOptions, type FitResult } from './fit';
export { spliceAudibility } from './audibility';
export { replanWithSplices, moveSplice, planFromRanges, BEAT_TOLERANCE, type ReplanSpec, type SpliceEdit, type ExplicitPlan } from './edit';
export { GridCache, AnalysedTrack } from './grids';
