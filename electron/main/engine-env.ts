/** The environment variables main sets for an engine utilityProcess (read by engine-process.ts). */
export const ENGINE_ENV = {
  /** The user's data folder (app.getPath('userData') unless NEEDLEDROP_HOME is set). */
  dataDir: 'NEEDLEDROP_HOME',
  /** models/ in the app's resources folder. */
  shippedModels: 'NEEDLEDROP_SHIPPED_MODELS',
  ffmpeg: 'NEEDLEDROP_FFMPEG',
  ffprobe: 'NEEDLEDROP_FFPROBE',
  appVersion: 'NEEDLEDROP_APP_VERSION',
  /** "1" in the engine that serves the screens: it watches the library folders (the training engine does not). */
  watch: 'NEEDLEDROP_WATCH',
  /** What the process's job ids start with ("job" / "training-job"): the router merges both lists by id. */
  jobPrefix: 'NEEDLEDROP_JOB_PREFIX',
} as const;
