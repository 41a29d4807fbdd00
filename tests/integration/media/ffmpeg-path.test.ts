/**
 * Where ffmpeg/ffprobe come from (media/ffmpeg-path.ts): configured → ffmpeg-static → PATH →
 * the binaries inside @ffmpeg-installer/@ffprobe-installer. Each test sets PATH and the env
 * itself, so it holds on a machine with or without a system ffmpeg.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NeedledropError } from '../../../electron/engine/errors';
import {
  clearToolCache,
  configureFfmpeg,
  FFMPEG_MISSING,
  ffmpegRunsGraph,
  resolveToolSource,
  toolInfo,
} from '../../../electron/engine/media/ffmpeg-path';

const REPO = resolve(import.meta.dirname, '../../..');
const PLATFORM = `${process.platform}-${process.arch}`;
const EXE = process.platform === 'win32' ? '.exe' : '';
// Where npm puts the packages' binaries: known from the packages' layout, not from the resolver.
const BUNDLED = {
  ffmpeg: join(REPO, 'node_modules', '@ffmpeg-installer', PLATFORM, `ffmpeg${EXE}`),
  ffprobe: join(REPO, 'node_modules', '@ffprobe-installer', PLATFORM, `ffprobe${EXE}`),
};

const saved = { ...process.env };
let empty: string;
let fakeBin: string;

beforeAll(() => {
  empty = mkdtempSync(join(tmpdir(), 'nd-nopath-'));
  // A PATH folder whose "ffmpeg" is the bundled binary under another name: PATH must win over bundled.
  fakeBin = mkdtempSync(join(tmpdir(), 'nd-fakebin-'));
  symlinkSync(BUNDLED.ffmpeg, join(fakeBin, `ffmpeg${EXE}`));
});
afterAll(() => {
  rmSync(empty, { recursive: true, force: true });
  rmSync(fakeBin, { recursive: true, force: true });
});

function environment(env: { PATH: string; skip?: string; ffmpeg?: string }): void {
  process.env = { ...saved, PATH: env.PATH };
  delete process.env.NEEDLEDROP_FFMPEG;
  delete process.env.NEEDLEDROP_FFPROBE;
  if (env.skip) process.env.NEEDLEDROP_FFMPEG_SKIP = env.skip;
  if (env.ffmpeg) process.env.NEEDLEDROP_FFMPEG = env.ffmpeg;
  configureFfmpeg({});
  clearToolCache();
}
afterEach(() => {
  process.env = { ...saved };
  configureFfmpeg({});
  clearToolCache();
});

describe('ffmpeg resolution', () => {
  it('falls back to the bundled binaries when nothing is on the PATH, and they run', () => {
    environment({ PATH: empty });
    for (const tool of ['ffmpeg', 'ffprobe'] as const) {
      const info = toolInfo(tool);
      expect(info).toMatchObject({ tool, source: 'bundled', path: BUNDLED[tool] });
      const banner = execFileSync(info.path, ['-version'], { encoding: 'utf8' });
      expect(banner.startsWith(`${tool} version ${info.version} `)).toBe(true);
    }
  });

  it('takes the PATH before the bundled binaries, and a configured path before both', () => {
    environment({ PATH: fakeBin });
    expect(resolveToolSource('ffmpeg')).toMatchObject({ source: 'path', path: join(fakeBin, `ffmpeg${EXE}`) });
    configureFfmpeg({ ffmpeg: BUNDLED.ffprobe });
    expect(resolveToolSource('ffmpeg')).toMatchObject({ source: 'configured', path: BUNDLED.ffprobe });
  });

  it('takes NEEDLEDROP_FFMPEG as configured, and names it when it points nowhere', () => {
    environment({ PATH: fakeBin, ffmpeg: BUNDLED.ffmpeg });
    expect(resolveToolSource('ffmpeg')).toMatchObject({ source: 'configured', path: BUNDLED.ffmpeg });
    const missing = join(empty, 'no-such-ffmpeg');
    environment({ PATH: fakeBin, ffmpeg: missing });
    expect(() => resolveToolSource('ffmpeg')).toThrow(/NEEDLEDROP_FFMPEG .*no-such-ffmpeg does not exist/);
  });

  it('with every source hidden, throws an environment error with the install hint and a stable code', () => {
    environment({ PATH: empty, skip: 'ffmpeg-static,bundled' });
    let err: unknown;
    try {
      resolveToolSource('ffprobe');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NeedledropError);
    const e = err as NeedledropError;
    expect(e.kind).toBe('environment');
    expect(e.code).toBe(FFMPEG_MISSING);
    expect(e.message).toMatch(/^ffprobe not found \(looked at: configured, path\)\. Install it \(Debian\/Ubuntu: apt-get install ffmpeg/);
  });

  it('asks the binary what it can run: the bundled 2018 build lacks the gradients source', () => {
    environment({ PATH: empty });
    expect(ffmpegRunsGraph('color=s=16x16')).toBe(true);
    expect(ffmpegRunsGraph('gradients=s=16x16')).toBe(false);
    expect(ffmpegRunsGraph('no_such_source=s=16x16')).toBe(false);
  });
});
