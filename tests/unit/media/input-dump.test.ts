import { describe, expect, it } from 'vitest';
import { parseInputDump } from '../../../electron/engine/media/probe';

/** A dump as ffmpeg prints it at `-loglevel level+info`: each line tagged, continuation lines not. */
const dump = (...lines: string[]): string => lines.map((l) => (l.startsWith('|') ? l.slice(1) : `[info] ${l}`)).join('\n') + '\n';

describe('parseInputDump', () => {
  it('reads the container, the stated duration and the container tags', () => {
    const h = parseInputDump(
      dump(
        "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'file:/m/a, from \\'x\\'.m4a':",
        '  Metadata:',
        '    major_brand     : M4A ',
        '    title           :  Blue in Green ',
        '    artist          : Miles: Davis',
        '    MusicBrainz Album Id: 123',
        '    album           : Kind of Blue',
        '  Duration: 01:02:03.45, start: 0.000000, bitrate: 256 kb/s',
        '  Stream #0:0(und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, fltp, 256 kb/s (default)',
      ),
    );
    expect(h).toEqual({
      container: 'mov,mp4,m4a,3gp,3g2,mj2',
      duration: 3723.45,
      tags: { title: 'Blue in Green', artist: 'Miles: Davis', album: 'Kind of Blue' },
      tagsExact: true,
      picture: false,
    });
  });

  it('takes the first audio stream’s tags under the container’s, and no other stream’s or chapter’s', () => {
    const h = parseInputDump(
      dump(
        "Input #0, ogg, from 'file:/m/b.ogg':",
        '  Duration: 00:00:05.33, start: 0.000000, bitrate: 40 kb/s',
        '  Chapters:',
        '    Chapter #0:0: start 0.000000, end 1.000000',
        '      Metadata:',
        '        title           : chapter one',
        '  Stream #0:0: Video: mjpeg, yuvj420p, 720x720, 90k tbr (attached pic)',
        '    Metadata:',
        '      title           : cover',
        '  Stream #0:1: Audio: vorbis, 22050 Hz, mono, fltp, 40 kb/s',
        '    Metadata:',
        '      TITLE           : Vibe Ace',
        '      ARTIST          : Kevin',
        '  Stream #0:2: Audio: vorbis, 22050 Hz, mono, fltp, 40 kb/s',
        '    Metadata:',
        '      ALBUM           : second stream album',
        '  Metadata:',
        '    artist          : container artist',
      ),
    );
    expect(h?.tags).toEqual({ title: 'Vibe Ace', artist: 'container artist' });
    expect(h?.duration).toBe(5.33);
    // Cover art is no picture that moves.
    expect(h?.picture).toBe(false);
  });

  it('tells a video stream that is not cover art, in any container (review R1.7), of its own input only', () => {
    const theora = [
      "Input #0, ogg, from 'file:/m/v.ogg':",
      '  Duration: 00:00:03.00, start: 0.000000, bitrate: 53 kb/s',
      '  Stream #0:0: Video: theora, yuv420p, 64x36 [SAR 1:1 DAR 16:9], 10 tbr, 10 tbn',
      '  Stream #0:1: Audio: vorbis, 44100 Hz, mono, fltp, 80 kb/s',
    ];
    expect(parseInputDump(dump(...theora))?.picture).toBe(true);
    const cover = [
      "Input #1, matroska,webm, from 'file:/m/c.mka':",
      '  Duration: 00:00:03.00, start: 0.000000, bitrate: 32 kb/s',
      '  Stream #1:0: Audio: vorbis, 44100 Hz, mono, fltp',
      '  Stream #1:1: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 64x64 [SAR 1:1 DAR 1:1], 90k tbr, 90k tbn (attached pic)',
    ];
    const both = dump(...theora, ...cover);
    expect([parseInputDump(both, 0)?.picture, parseInputDump(both, 1)?.picture]).toEqual([true, false]);
  });

  it('is not exact for a value the dump may have cut (255 bytes a line) or spread over lines', () => {
    const head = ["Input #0, mp3, from 'file:/m/c.mp3':", '  Metadata:'];
    const tail = ['  Duration: 00:00:03.03, start: 0.025057, bitrate: 128 kb/s', '  Stream #0:0: Audio: mp3, 44100 Hz, mono, fltp, 128 kb/s'];
    const cut = parseInputDump(dump(...head, `    title           : ${'Ä'.repeat(127)}x`, ...tail));
    expect(cut?.tagsExact).toBe(false);
    const under = parseInputDump(dump(...head, `    title           : ${'Ä'.repeat(127)}`, ...tail));
    expect(under?.tagsExact).toBe(true);
    const multi = parseInputDump(dump(...head, '    title           : line1', '|                    : line2', ...tail));
    expect(multi?.tagsExact).toBe(false);
    // Another key's second line does not matter.
    const comment = parseInputDump(dump(...head, '    comment         : line1', '|                    : line2', '    title           : t', ...tail));
    expect(comment).toMatchObject({ tagsExact: true, tags: { title: 't' } });
  });

  it('states no duration for N/A, and nothing without an input or an audio stream', () => {
    const na = parseInputDump(dump("Input #0, matroska,webm, from 'file:/v.webm':", '  Duration: N/A, start: 0.000000, bitrate: N/A', '  Stream #0:1(eng): Audio: opus, 48000 Hz, stereo, fltp (default)'));
    expect(na).not.toBeNull();
    expect(na?.duration).toBeUndefined();
    expect(parseInputDump(dump("Input #0, image2, from 'file:/p.png':", '  Duration: 00:00:00.04, start: 0.000000, bitrate: N/A', '  Stream #0:0: Video: png, rgb24, 2x2, 25 tbr'))).toBeNull();
    expect(parseInputDump('[error] file:/x.mp3: Invalid data found when processing input\n')).toBeNull();
  });

  it('skips other levels’ lines (a demuxer’s warning between the tags)', () => {
    const h = parseInputDump(
      dump("Input #0, mp3, from 'file:/m/d.mp3':", '  Metadata:', '    title           : A', '|[mp3 @ 0x55d1c0] [warning] Estimating duration from bitrate', '    artist          : B', '  Duration: 00:00:01.00, start: 0.000000, bitrate: 8 kb/s', '  Stream #0:0: Audio: mp3, 8000 Hz, mono, fltp, 8 kb/s'),
    );
    expect(h).toMatchObject({ tags: { title: 'A', artist: 'B' }, tagsExact: true, duration: 1 });
  });
});
