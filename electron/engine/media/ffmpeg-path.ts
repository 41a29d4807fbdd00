import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { isMainThread, workerData } from 'node:worker_threads';
import { NeedledropError } from '../errors';

/**
 * The one owner of where ffmpeg/ffprobe come from. Per tool, in order:
 * 1. configured: configureFfmpeg({ ffmpeg, ffprobe }) (the EngineContext), else the env
 *    overrides NEEDLEDROP_FFMPEG / NEEDLEDROP_FFPROBE;
 * 2. ffmpeg-static's binary (optional dependency; its install-time download fails offline, so
 *    the file may be missing; it ships no ffprobe, one placed beside its ffmpeg is taken);
 * 3. `ffmpeg` / `ffprobe` on the PATH;
 * 4. bundled: the static builds inside @ffmpeg-installer/ffmpeg and @ffprobe-installer/ffprobe
 *    (optional dependencies that carry the binaries in their npm packages: no download).
 * The system's build comes before the bundled one because it is usually newer (the bundled
 * ffmpeg is a 2018 4.1 build).
 *
 * NEEDLEDROP_FFMPEG_SKIP (comma list of sources, e.g. `ffmpeg-static,bundled`) leaves sources
 * out: for tests of the fallbacks and of the "nothing found" message.
 */
export type Tool = 'ffmpeg' | 'ffprobe';
export type ToolSource = 'configured' | 'ffmpeg-static' | 'path' | 'bundled';

export interface ResolvedTool {
  tool: Tool;
  path: string;
  source: ToolSource;
}

export interface ToolInfo extends ResolvedTool {
  /** What `TOOL -version` calls itself, e.g. "5.1.6-0+deb12u1"; null if it did not say. */
  version: string | null;
}

/** Explicit paths, as an EngineContext holds them. Unset fields fall back to the search. */
export interface FfmpegConfig {
  ffmpeg?: string;
  ffprobe?: string;
}

/** Stable code of the error raised when a tool cannot be found (the contract maps it). */
export const FFMPEG_MISSING = 'no-ffmpeg';

const SOURCES: readonly ToolSource[] = ['configured', 'ffmpeg-static', 'path', 'bundled'];
const ENV: Record<Tool, string> = { ffmpeg: 'NEEDLEDROP_FFMPEG', ffprobe: 'NEEDLEDROP_FFPROBE' };
const SKIP_ENV = 'NEEDLEDROP_FFMPEG_SKIP';
const BUNDLED: Record<Tool, string> = { ffmpeg: '@ffmpeg-installer/ffmpeg', ffprobe: '@ffprobe-installer/ffprobe' };
const INSTALL_HINT =
  'Install it (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg; Windows: winget install ffmpeg), ' +
  'reinstall the optional packages (npm install), or set NEEDLEDROP_FFMPEG / NEEDLEDROP_FFPROBE to its path.';

/** The workerData key under which WorkerPool hands its thread's configuration to each worker. */
export const WORKER_CONFIG_KEY = '__ffmpeg';

// A worker thread has its own copy of this module: it starts with its pool's configuration.
let configured: FfmpegConfig = (!isMainThread && (workerData as Record<string, FfmpegConfig> | null)?.[WORKER_CONFIG_KEY]) || {};
const resolved = new Map<Tool, ResolvedTool>();
const versions = new Map<string, string | null>();
const graphChecks = new Map<string, boolean>();
const requireCjs = createRequire(import.meta.url);

/** Set (or, with {}, clear) explicit tool paths; later resolutions use them first. */
export function configureFfmpeg(config: FfmpegConfig): void {
  configured = { ...config };
  resolved.clear();
}

/** The explicit paths in force (what worker threads are started with). */
export const ffmpegConfig = (): FfmpegConfig => ({ ...configured });

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A packaged binary whose install script did not run (npm's allowScripts) may lack its x bit. */
function ensureExecutable(p: string): boolean {
  if (process.platform === 'win32') return true;
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    try {
      chmodSync(p, statSync(p).mode | 0o111);
      return true;
    } catch {
      return false;
    }
  }
}

const exeName = (tool: Tool): string => (process.platform === 'win32' ? `${tool}.exe` : tool);

function fromConfig(tool: Tool): string | undefined {
  const explicit = configured[tool];
  const [where, p] = explicit ? ['the configured path', explicit] : [ENV[tool], process.env[ENV[tool]]];
  if (!p) return undefined;
  if (!isFile(p)) {
    throw new NeedledropError('environment', `${tool}: ${where} ${p} does not exist or is not a file. ${INSTALL_HINT}`, {
      code: FFMPEG_MISSING,
      file: p,
    });
  }
  return p;
}

function fromFfmpegStatic(tool: Tool): string | undefined {
  let ff: string | null;
  try {
    // ffmpeg-static exports its binary's path (null on unsupported platforms), present or not.
    ff = requireCjs('ffmpeg-static') as string | null;
  } catch {
    return undefined;
  }
  if (!ff) return undefined;
  const p = tool === 'ffmpeg' ? ff : join(dirname(ff), exeName('ffprobe'));
  return isFile(p) ? p : undefined;
}

function fromPath(tool: Tool): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, exeName(tool));
    if (isFile(p)) return p;
  }
  return undefined;
}

function fromBundled(tool: Tool): string | undefined {
  try {
    // Both packages export { path, version, url } and throw on platforms they do not cover.
    const p = (requireCjs(BUNDLED[tool]) as { path?: unknown }).path;
    return typeof p === 'string' && isFile(p) && ensureExecutable(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

const FINDERS: Record<ToolSource, (tool: Tool) => string | undefined> = {
  configured: fromConfig,
  'ffmpeg-static': fromFfmpegStatic,
  path: fromPath,
  bundled: fromBundled,
};

function skipped(): Set<string> {
  return new Set((process.env[SKIP_ENV] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

/** Which binary a tool resolves to and why; once per process (until configured again). */
export function resolveToolSource(tool: Tool): ResolvedTool {
  const hit = resolved.get(tool);
  if (hit) return hit;
  const skip = skipped();
  for (const source of SOURCES) {
    if (skip.has(source)) continue;
    const path = FINDERS[source](tool);
    if (path) {
      const found: ResolvedTool = { tool, path, source };
      resolved.set(tool, found);
      return found;
    }
  }
  const tried = SOURCES.filter((s) => !skip.has(s)).join(', ');
  throw new NeedledropError('environment', `${tool} not found (looked at: ${tried}). ${INSTALL_HINT}`, { code: FFMPEG_MISSING });
}

/** The path of a tool; throws one clear 'environment' error when none exists. */
export const resolveTool = (tool: Tool): string => resolveToolSource(tool).path;
export const ffmpegPath = (): string => resolveTool('ffmpeg');
export const ffprobePath = (): string => resolveTool('ffprobe');

/** "ffmpeg version 5.1.6-0+deb12u1 Copyright…" → "5.1.6-0+deb12u1". */
export function parseVersion(banner: string): string | null {
  return /^\S+ version (\S+)/m.exec(banner)?.[1] ?? null;
}

/** The resolved tool plus its version (runs `TOOL -version` once per binary). */
export function toolInfo(tool: Tool): ToolInfo {
  const r = resolveToolSource(tool);
  if (!versions.has(r.path)) {
    let version: string | null = null;
    try {
      version = parseVersion(execFileSync(r.path, ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }));
    } catch {
      /* a binary that cannot say its version still gets used; the first real run reports why it fails */
    }
    versions.set(r.path, version);
  }
  return { ...r, version: versions.get(r.path) ?? null };
}

/**
 * Whether the resolved ffmpeg can run a lavfi graph for one frame (once per binary and graph):
 * builds differ, e.g. the bundled 2018 build (4.1) lacks the `gradients` source and zoompan's
 * `in_time`, both newer. Asking the binary is surer than reading its version, which a git
 * build prints as "N-47683-g0e8eb07980".
 */
export function ffmpegRunsGraph(graph: string): boolean {
  const path = ffmpegPath();
  const key = `${path}\n${graph}`;
  let ok = graphChecks.get(key);
  if (ok === undefined) {
    try {
      execFileSync(path, ['-nostdin', '-v', 'quiet', '-f', 'lavfi', '-i', graph, '-frames:v', '1', '-f', 'null', '-'], { stdio: 'ignore', timeout: 10_000 });
      ok = true;
    } catch {
      ok = false;
    }
    graphChecks.set(key, ok);
  }
  return ok;
}

/** For tests that change the environment or the configuration. */
export function clearToolCache(): void {
  resolved.clear();
  versions.clear();
  graphChecks.clear();
}
