import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeAudio, decodeVideoFrames, DecodeError } from '../../../electron/engine/media/decode';
import { probe } from '../../../electron/engine/media/probe';
import * as gen from '../../helpers/media';

let dir: string;
let cleanup: () => Promise<void>;
const f: Record<string, string> = {};

beforeAll(async () => {
  ({ dir, cleanup } = await gen.tempDir('nd-media-'));
  f.stereo = await gen.sine(dir, { freq: 440, seconds: 3, channels: 2, sampleRate: 44100 });
  f.surround = await gen.sine(dir, { freq: 440, seconds: 2, channels: 6, sampleRate: 48000, name: 'surround.wav' });
  f.cuts = await gen.hardCuts(dir, { cuts: [1], seconds: 2 });
  f.av = await gen.videoWithAudio(dir, { seconds: 2 });
  f.long = await gen.sine(dir, { freq: 300, seconds: 30, sampleRate: 44100, name: 'long.wav' });
  f.truncated = await gen.truncated(f.av, dir, 0.5);
  f.empty = await gen.zeroByte(dir);
  f.random = await gen.randomBytes(dir);
  f.text = await gen.textFile(dir);
});
afterAll(() => cleanup?.());

/** ffmpeg processes whose command line mentions this test's temp dir. */
function ffmpegsOn(path: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', path], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('probe', () => {
  it('describes audio streams: rate, channels, layout', async () => {
    const s = await probe(f.stereo);
    expect(s.duration).toBeCloseTo(3, 1);
    expect(s.durationSource).toBe('container');
    expect(s.streams).toEqual([expect.objectContaining({ type: 'audio', sampleRate: 44100, channels: 2 })]);
    const m = await probe(f.surround);
    expect(m.streams[0]).toMatchObject({ channels: 6, sampleRate: 48000 });
  });

  it('describes video and audio streams of one file', async () => {
    const info = await probe(f.av);
    const v = info.streams.find((s) => s.type === 'video');
    expect(v).toMatchObject({ codec: 'h264', width: 320, height: 180, fps: 25, rotation: 0, attachedPic: false });
    expect(info.streams.some((s) => s.type === 'audio' && s.codec === 'aac')).toBe(true);
    expect(info.container).toContain('mp4');
  });

  it.each([
    ['missing file', () => `${dir}/nope.mp4`, /file not found/],
    ['directory', () => dir, /is a directory/],
    ['zero-byte file', () => f.empty, /empty file/],
    ['truncated file', () => f.truncated, /cut short or damaged/],
    ['random bytes named .mp4', () => f.random, /cut short or damaged|not an audio or video file/],
    ['text file', () => f.text, /text file|not an audio or video file/],
  ])('rejects a %s with an input error naming it', async (_, file, cause) => {
    const p = file();
    await expect(probe(p)).rejects.toMatchObject({ kind: 'input', file: p, message: expect.stringMatching(cause) });
  });
});

describe('decodeAudio', () => {
  it('downmixes to mono at the asked rate, whole file or a range', async () => {
    let n = 0;
    for await (const c of decodeAudio(f.surround, { sampleRate: 22050 })) n += c.length;
    expect(n).toBe(2 * 22050);
    let m = 0;
    let peak = 0;
    for await (const c of decodeAudio(f.stereo, { sampleRate: 8000, start: 1, duration: 1.5 })) {
      m += c.length;
      for (const v of c) peak = Math.max(peak, Math.abs(v));
    }
    expect(m).toBe(12000);
    expect(peak).toBeGreaterThan(0.4);
  });

  it('leaves no ffmpeg running when the consumer stops early or the signal aborts', async () => {
    for await (const c of decodeAudio(f.long, { sampleRate: 22050 })) {
      expect(c.length).toBeGreaterThan(0);
      break;
    }
    expect(ffmpegsOn(f.long)).toEqual([]);
    const ac = new AbortController();
    const run = (async () => {
      for await (const _ of decodeAudio(f.long, { sampleRate: 22050, signal: ac.signal })) ac.abort();
    })();
    await expect(run).rejects.toMatchObject({ kind: 'cancelled' });
    expect(ffmpegsOn(f.long)).toEqual([]);
  });

  it('applies backpressure: ffmpeg waits while the consumer does', async () => {
    const it = decodeAudio(f.long, { sampleRate: 44100 })[Symbol.asyncIterator]();
    await it.next();
    // No fixed sleep: wait until ffmpeg is blocked writing into its full stdout (the kernel's wait
    // channel says so: a pipe, or the Unix socket Node gives a child). Without backpressure it would never block there: it would write the whole
    // decode and exit, which fails the wait at once.
    const full = 30 * 44100 * 4; // mono f32le
    let pid = '';
    await vi.waitFor(
      () => {
        const pids = ffmpegsOn(f.long);
        expect(pids, 'ffmpeg exited: it was not paused').toHaveLength(1);
        pid = pids[0];
        expect(readFileSync(`/proc/${pid}/wchan`, 'utf8')).toMatch(/pipe_write|pipe_wait|sock_alloc_send|wait_for_wmem|unix_stream_sendmsg/);
      },
      { timeout: 60_000, interval: 50 },
    );
    // Blocked after writing only a small part of the decode (pipe and stream buffers).
    const written = Number(/wchar: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
    expect(written).toBeLessThan(full / 4);
    await it.return?.(undefined);
    expect(ffmpegsOn(f.long)).toEqual([]);
  });

  it('turns a decode failure into an error naming the file, without hanging', async () => {
    const run = async (): Promise<void> => {
      for await (const _ of decodeAudio(f.cuts, { sampleRate: 22050 })) void _;
    };
    await expect(run()).rejects.toSatisfy((e: unknown) => e instanceof DecodeError && e.message.startsWith(f.cuts));
  });
});

describe('decodeVideoFrames', () => {
  it('yields RGB frames of the asked size at the asked rate with times', async () => {
    const frames: { time: number; len: number; r: number }[] = [];
    for await (const fr of decodeVideoFrames(f.cuts, { fps: 10, width: 32, height: 18 })) {
      frames.push({ time: fr.time, len: fr.data.length, r: fr.data[3 * (9 * 32 + 30)] });
    }
    expect(frames).toHaveLength(20);
    expect(frames.every((x) => x.len === 32 * 18 * 3)).toBe(true);
    expect(frames[5].time).toBeCloseTo(0.5, 6);
    // First shot is 0x202080 (dark blue), second 0xd0c040 (yellow): red rises at the cut.
    expect(frames[2].r).toBeLessThan(80);
    expect(frames[15].r).toBeGreaterThan(160);
  });

  it('honours start and duration', async () => {
    let n = 0;
    for await (const _ of decodeVideoFrames(f.cuts, { fps: 10, width: 16, height: 16, start: 0.5, duration: 1 })) n++;
    expect(n).toBe(10);
  });
});
