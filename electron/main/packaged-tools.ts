/**
 * ffmpeg and ffprobe of a packaged app. Their npm packages compute paths inside app.asar, but a
 * binary cannot be executed from inside the archive: electron-builder unpacks them
 * (asarUnpack) to app.asar.unpacked, and main hands those paths to the engine's context.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The same path in the unpacked folder beside the archive. */
export function unpackedPath(path: string): string {
  return path.replace(/([\\/])app\.asar(?=[\\/])/, '$1app.asar.unpacked');
}

export interface PackagedTools {
  ffmpeg?: string;
  ffprobe?: string;
}

/** The bundled binaries that exist after unpacking (ffmpeg-static first, then the installer packages). */
export function packagedTools(exists: (p: string) => boolean = existsSync): PackagedTools {
  const require = createRequire(import.meta.url);
  const pathOf = (load: () => unknown): string | undefined => {
    try {
      const v = load();
      const p = typeof v === 'string' ? v : (v as { path?: unknown } | null)?.path;
      return typeof p === 'string' ? unpackedPath(p) : undefined;
    } catch {
      return undefined; // optional dependency not installed on this platform
    }
  };
  const ffmpeg = [pathOf(() => require('ffmpeg-static')), pathOf(() => require('@ffmpeg-installer/ffmpeg'))].find((p) => p !== undefined && exists(p));
  const ffprobe = [pathOf(() => require('@ffprobe-installer/ffprobe'))].find((p) => p !== undefined && exists(p));
  return { ...(ffmpeg ? { ffmpeg } : {}), ...(ffprobe ? { ffprobe } : {}) };
}
