/**
 * What fronts may import from the engine: the Engine, its context, the hosts that serve it, and
 * the few engine values a front formats itself. (ESLint keeps scripts/, electron/main and
 * renderer/ to this file and electron/contract/.)
 */
export { Engine } from './engine';
export { contextFromEnv, registryOptions, type EngineContext } from './context';
export { toErrorData } from './errors';
export { startBridge, type Bridge, type BridgeOptions } from '../host/bridge';
export { serveEngine, messagePortAdapter } from '../host/serve';
export { answerRange, rangeHeaders, contentType, type RangeAnswer } from '../host/range';
export { mediaHeaders, mediaTypeByName, MEDIA_CSP } from '../host/media-type';
export { defaultResourcesDir, dataHome, catalogPath } from '../paths';
export { localJob, type JobHandle } from './jobs';
// How a phase's progress is timed (count, rate once it means something, elapsed): the scripts' status lines time theirs as the engine's jobs do.
export { PhaseClock, type PhaseCounts } from '../jobs/progress';
// The corpus command's check of --pairs (review S9): the fewest pairs whose splits can be trained and scored.
export { pairsToTrain, splitCounts, splitShortfall } from '../corpus/plan';
// Why a folder was skipped by a scan: the CLI counts folders apart from files that are not audio.
export { FOLDER_SKIPS } from '../library/scan';
// Media inspection for the developer commands (probe, features): read-only, no catalog.
export { probe, type MediaInfo, type StreamInfo } from '../media/probe';
export { toolInfo } from '../media/ffmpeg-path';
export { extractFeatures } from '../features/extract';
export type { FeatureSeq, Modality } from '../features/types';
// Files a front writes itself (the eval --report pair, review S17): whole or not at all.
export { writeFileAtomic } from '../util/atomic-write';
export { isUnder } from '../util/path-under';
export { realOrSelf } from '../util/real-path';
// An fs error in words ('permission denied', not EACCES): the CLI's own file reads say it as the engine does.
export { errnoWords } from '../util/errno';
// What the CLI's playlist checks before a build (review R4.5): the --energy words and the --m3u file, in the engine's own words.
export { parseEnergyLevels } from '../playlist/energy-curve';
export { checkPlaylistFile } from '../playlist/m3u';
