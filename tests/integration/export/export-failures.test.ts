// exportClipWithTrack where real tiny media cannot lead it quickly: ffmpeg failing after the
// probes passed, a cancel while ffmpeg runs, a folder where no file can be made, and a re-encode
// into mp4. A stand-in ffmpeg (a shell script) plays the failing or waiting export run; the
// probes and stream-end passes are the real ffprobe and ffmpeg, the clip and track real files.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportClipWithTrack } from '../../../electron/engine/media/export';
import { configureFfmpeg, ffmpegPath } from '../../../electron/engine/media/ffmpeg-path';
import { probe } from '../../../electron/engine/media/probe';
import * as gen from '../../helpers/media';

let dir: string;
let cleanup: () => Promise<void>;
const f: Record<string, string> = {};
/** The real ffmpeg, found before any test configures a stand-in. */
let realFfmpeg: string;

beforeAll(async () => {
  ({ dir, cleanup } = await gen.tempDir('nd-export-failures-'));
  realFfmpeg = ffmpegPath();
  f.clip = await gen.solidVideo(dir, { color: 'blue', seconds: 1, width: 32, height: 18 });
  f.tone = await gen.sine(dir, { freq: 440, seconds: 3, sampleRate: 48000 });
  // Motion JPEG: a codec mp4 does not take as it is.
  f.mjpegClip = await gen.ffmpeg(['-f', 'lavfi', '-i', 'color=c=yellow:s=32x18:r=25:d=1', '-c:v', 'mjpeg', '-pix_fmt', 'yuvj420p'], join(dir, 'mjpeg.mkv'));
}, 120_000);
afterAll(() => cleanup?.());

const out = (name: string): string => join(dir, name);
const temps = (): string[] => readdirSync(dir).filter((n) => n.startsWith('.needledrop-export-'));

/**
 * An ffmpeg stand-in: the export's own run (the one given -filter_complex) runs `body`, a shell
 * snippet; every other run (the passes that find where the streams end) is the real ffmpeg. It
 * makes reachable, in a fraction of a second, what real media cannot: ffmpeg failing after the
 * probes passed, and a cancel while it runs.
 */
function fakeFfmpeg(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\nfor a in "$@"; do\n  if [ "$a" = -filter_complex ]; then\n${body}\n  fi\ndone\nexec '${realFfmpeg}' "$@"\n`, { mode: 0o755 });
  return file;
}

describe('exportClipWithTrack when ffmpeg fails or is cancelled', () => {
  afterEach(() => configureFfmpeg({}));

  it('ffmpeg failing after the probes passed: an input error naming the clip, the track and the cause; no output, no temp folder', async () => {
    configureFfmpeg({ ffmpeg: fakeFfmpeg('ff-full.sh', 'echo "[mp4 @ 0x55d0c0ffee00] av_interleaved_write_frame(): No space left on device" >&2; exit 1') });
    await expect(exportClipWithTrack({ clip: f.clip, track: f.tone, out: out('full.mp4') })).rejects.toMatchObject({
      kind: 'input',
      file: f.clip,
      message: `export of ${f.clip} with ${f.tone} failed: the disk is full (ffmpeg: av_interleaved_write_frame(): No space left on device)`,
    });
    expect(existsSync(out('full.mp4'))).toBe(false);
    expect(temps()).toEqual([]);
  });

  it('ffmpeg ending without a word says how it ended: its exit code, or the signal that killed it', async () => {
    configureFfmpeg({ ffmpeg: fakeFfmpeg('ff-exit3.sh', 'exit 3') });
    await expect(exportClipWithTrack({ clip: f.clip, track: f.tone, out: out('exit3.mp4') })).rejects.toMatchObject({
      kind: 'input',
      message: `export of ${f.clip} with ${f.tone} failed: ffmpeg exited with 3`,
    });
    configureFfmpeg({ ffmpeg: fakeFfmpeg('ff-killed.sh', 'kill -KILL $$') });
    await expect(exportClipWithTrack({ clip: f.clip, track: f.tone, out: out('killed.mp4') })).rejects.toMatchObject({
      kind: 'input',
      message: `export of ${f.clip} with ${f.tone} failed: ffmpeg exited with SIGKILL`,
    });
    expect(readdirSync(dir).filter((n) => n === 'exit3.mp4' || n === 'killed.mp4')).toEqual([]);
    expect(temps()).toEqual([]);
  });

  it('cancelled while ffmpeg runs: ffmpeg wrote into a folder of ours beside the output; after, no output and no folder', async () => {
    const argsFile = join(dir, 'ff-args.txt');
    // Records its arguments (renamed into place whole), then waits to be killed.
    configureFfmpeg({ ffmpeg: fakeFfmpeg('ff-wait.sh', `printf '%s\\n' "$@" > '${argsFile}.tmp' && mv '${argsFile}.tmp' '${argsFile}'; exec sleep 120`) });
    const ctl = new AbortController();
    const running = exportClipWithTrack({ clip: f.clip, track: f.tone, out: out('cancel.mp4'), signal: ctl.signal });
    running.catch(() => undefined);
    await vi.waitFor(() => expect(existsSync(argsFile)).toBe(true), { timeout: 60_000, interval: 20 });
    const part = readFileSync(argsFile, 'utf8').trim().split('\n').at(-1)!.replace(/^file:/, '');
    // The file ffmpeg writes: the output's name, in a folder beside it named with our pid (so a later export can tell a dead one's).
    expect(basename(part)).toBe('cancel.mp4');
    expect(dirname(dirname(part))).toBe(dir);
    expect(basename(dirname(part))).toMatch(new RegExp(`^\\.needledrop-export-${process.pid}-\\w{6}$`));
    expect(temps()).toEqual([basename(dirname(part))]);
    ctl.abort();
    await expect(running).rejects.toMatchObject({ kind: 'cancelled', message: 'export cancelled' });
    expect(existsSync(out('cancel.mp4'))).toBe(false);
    expect(temps()).toEqual([]);
  }, 90_000);
});

describe('exportClipWithTrack: where the output cannot be written, and re-encoding', () => {
  it('a folder that exists but where no file can be made (the temp name would pass the path length limit): an input error naming the folder', async () => {
    // Linux: a path may hold 4095 bytes; the folder's own path fits, a name inside it does not.
    let deep = join(dir, 'deep');
    while (deep.length < 4080 - 201) deep = join(deep, 'd'.repeat(200));
    deep = join(deep, 'e'.repeat(4080 - deep.length - 1));
    mkdirSync(deep, { recursive: true });
    const o = join(deep, 'o.mp4');
    await expect(exportClipWithTrack({ clip: f.clip, track: f.tone, out: o })).rejects.toMatchObject({
      kind: 'input',
      file: o,
      message: `${o}: cannot write in ${deep} (the name is too long)`,
    });
    expect(readdirSync(deep)).toEqual([]);
  });

  it('a clip in a codec mp4 does not take (Motion JPEG) is re-encoded to H.264, and the result says so', async () => {
    const r = await exportClipWithTrack({ clip: f.mjpegClip, track: f.tone, out: out('m.mp4') });
    expect(r).toMatchObject({ container: 'mp4', videoCodec: 'h264', videoCopied: false, audioCodec: 'aac' });
    expect((await probe(r.out)).streams.find((s) => s.type === 'video')).toMatchObject({ codec: 'h264' });
  });
});
