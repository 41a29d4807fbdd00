import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { NeedledropError } from '../errors';

/**
 * Where ffmpeg/ffprobe come from, in order: an explicit env override, ffmpeg-static's
 * bundled binary (optional dependency: its download fails offline), then the PATH.
 */
export type Tool = 'ffmpeg' | 'ffprobe';

const ENV: Record<Tool, string> = { ffmpeg: 'NEEDLEDROP_FFMPEG', ffprobe: 'NEEDLEDROP_FFPROBE' };
const cache = new Map<Tool, string>();

function isExecutableFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function fromStaticPackage(tool: Tool): string | undefined {
  const require = createRequire(import.meta.url);
  try {
    // ffmpeg-static exports the binary's path (or null on unsupported platforms).
    const mod = tool === 'ffmpeg' ? (require('ffmpeg-static') as string | null) : undefined;
    if (mod && isExecutableFile(mod)) return mod;
    if (tool === 'ffprobe' && mod === undefined) {
      // ffmpeg-static ships no ffprobe; look beside its ffmpeg in case a user put one there.
      const ff = require('ffmpeg-static') as string | null;
      if (ff) {
        const probe = join(ff, '..', process.platform === 'win32' ? 'ffprobe.exe' : 'ffprobe');
        if (isExecutableFile(probe)) return probe;
      }
    }
  } catch {
    /* not installed */
  }
  return undefined;
}

function fromPath(tool: Tool): string | undefined {
  const exe = process.platform === 'win32' ? `${tool}.exe` : tool;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, exe);
    if (isExecutableFile(p)) return p;
  }
  return undefined;
}

/** Resolve a tool's path once per process; throws one clear message when none exists. */
export function resolveTool(tool: Tool): string {
  const hit = cache.get(tool);
  if (hit) return hit;
  const override = process.env[ENV[tool]];
  if (override) {
    if (!existsSync(override)) {
      throw new NeedledropError('usage', `${ENV[tool]} points to ${override}, which does not exist`);
    }
    cache.set(tool, override);
    return override;
  }
  const found = fromStaticPackage(tool) ?? fromPath(tool);
  if (!found) {
    throw new NeedledropError(
      'usage',
      `${tool} not found. Install it (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg; ` +
        `Windows: winget install ffmpeg) or set ${ENV[tool]} to its path.`,
    );
  }
  cache.set(tool, found);
  return found;
}

export const ffmpegPath = (): string => resolveTool('ffmpeg');
export const ffprobePath = (): string => resolveTool('ffprobe');

/** For tests that change the environment. */
export function clearToolCache(): void {
  cache.clear();
}
