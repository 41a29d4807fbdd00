/**
 * The CLI on a PATH without ffmpeg: the bundled binaries are found, used and named in probe and
 * features output; with every source hidden it exits 1 with the install hint and no usage text.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgv } from '../../helpers/cli';

const REPO = resolve(import.meta.dirname, '../../..');
const PLATFORM = `${process.platform}-${process.arch}`;
// Sweet waltz: 49.2 s Vorbis, 22 050 Hz mono (../shared/media/music/*.txt and README).
const TRACK = resolve(REPO, '..', 'shared', 'media', 'music', '147793__setuniman__sweet-waltz-0i-22mi.ogg');

let empty: string;
beforeAll(() => {
  empty = mkdtempSync(join(tmpdir(), 'nd-nopath-'));
});
afterAll(() => rmSync(empty, { recursive: true, force: true }));

function needledrop(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.NEEDLEDROP_FFMPEG;
  delete base.NEEDLEDROP_FFPROBE;
  delete base.NEEDLEDROP_FFMPEG_SKIP;
  // node itself is started by path; the PATH holds neither ffmpeg nor ffprobe.
  const r = spawnSync(process.execPath, cliArgv(...args), {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...base, PATH: empty, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Each test starts the CLI once or twice: allow for a busy machine.
describe('needledrop without ffmpeg on the PATH', { timeout: 120_000 }, () => {
  it('probe uses the bundled ffprobe and says so', () => {
    const text = needledrop(['probe', TRACK]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('#0 audio vorbis 22050 Hz, 1 ch');
    const bundled = join(REPO, 'node_modules', '@ffprobe-installer', PLATFORM, 'ffprobe');
    expect(text.stdout).toMatch(new RegExp(`  ffprobe    ${bundled} \\(bundled, \\S+\\)`));
    const json = JSON.parse(needledrop(['probe', TRACK, '--json']).stdout) as { duration: number; tools: { ffprobe: { source: string; path: string } } };
    expect(json.duration).toBeCloseTo(49.2, 1);
    expect(json.tools.ffprobe).toMatchObject({ source: 'bundled', path: bundled });
  });

  it('features decode with the bundled ffmpeg and report it', () => {
    const r = needledrop(['features', TRACK, '--audio', '--start', '10', '--duration', '5', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { tools: { ffmpeg: { source: string; path: string } }; audio: { T: number; start: number; summary: { duration: number } } };
    expect(doc.tools.ffmpeg).toMatchObject({ source: 'bundled', path: join(REPO, 'node_modules', '@ffmpeg-installer', PLATFORM, 'ffmpeg') });
    // 5 s decoded at 0.5 s a step: the bundled decoder delivered the whole range.
    expect(doc.audio).toMatchObject({ T: 10, start: 10 });
    expect(doc.audio.summary.duration).toBeCloseTo(5, 1);
  });

  it('with every source hidden: exit 1, the install hint, no usage text', () => {
    const r = needledrop(['probe', TRACK], { NEEDLEDROP_FFMPEG_SKIP: 'ffmpeg-static,bundled' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^needledrop probe: ffprobe not found \(looked at: configured, path\)\. Install it \(Debian\/Ubuntu: apt-get install ffmpeg/);
    expect(r.stderr).not.toMatch(/usage/i);
  });
});
