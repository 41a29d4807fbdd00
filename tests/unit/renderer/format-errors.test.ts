import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../electron/contract/errors';
import { readable } from '../../../renderer/lib/errors';
import { clockTime, counted, eta, folderOf, scoredPath, trackName } from '../../../renderer/lib/format';

describe('what the screens print', () => {
  it('clock times and ETAs', () => {
    expect(clockTime(0)).toBe('0:00.0');
    expect(clockTime(83.25)).toBe('1:23.3');
    expect(clockTime(3725)).toBe('1:02:05.0');
    expect(clockTime(null)).toBe('–');
    // A tenth that rounds up carries into the minute (it read 0:60.0 and 0:59:60.0).
    expect(clockTime(59.96)).toBe('1:00.0');
    expect(clockTime(3599.97)).toBe('1:00:00.0');
    expect(clockTime(119.94)).toBe('1:59.9');
    expect(eta(null)).toBe('estimating…');
    expect(eta(4.2)).toBe('5 s left');
    expect(eta(125)).toBe('2 min 5 s left');
  });

  it('puts the scored export beside the clip', () => {
    expect(scoredPath('/v/clip.final.mp4')).toBe('/v/clip.final-scored.mp4');
    expect(scoredPath('/v.d/clip')).toBe('/v.d/clip-scored.mp4');
    expect(scoredPath('C:\\v\\a.mov')).toBe('C:\\v\\a-scored.mov');
  });

  it('puts it in another folder when the clip\'s cannot be written, with that folder\'s separator', () => {
    expect(scoredPath('/card/DCIM/c.mp4', '/home/me/Videos')).toBe('/home/me/Videos/c-scored.mp4');
    expect(scoredPath('/card/c.mp4', '/home/me/')).toBe('/home/me/c-scored.mp4');
    expect(scoredPath('E:\\DCIM\\c.mov', 'C:\\Users\\me\\Videos')).toBe('C:\\Users\\me\\Videos\\c-scored.mov');
    expect(folderOf('/a/b/c.ogg')).toBe('/a/b');
    expect(folderOf('/c.ogg')).toBe('/');
    expect(folderOf('C:\\m\\c.ogg')).toBe('C:\\m');
  });

  it('counts with the noun in the number it has', () => {
    expect([counted(0, 'cut'), counted(1, 'cut'), counted(2, 'thread')]).toEqual(['0 cuts', '1 cut', '2 threads']);
  });

  it('names a track as the CLI does: artist – title, either alone, else its file; marks escaped (R2.7, R2.8)', () => {
    expect(trackName({ artist: null, title: '  ', path: '/m/a b.ogg' })).toBe('a b.ogg');
    expect(trackName({ artist: null, title: 'Song', path: '/m/x.ogg' })).toBe('Song');
    expect(trackName({ artist: 'Artist A', title: 'Same Title', path: '/m/x.ogg' })).toBe('Artist A – Same Title');
    expect(trackName({ artist: 'Artist B', title: 'Same Title', path: '/m/y.ogg' })).toBe('Artist B – Same Title');
    expect(trackName({ artist: 'Artist B', title: null, path: '/m/y.ogg' })).toBe('Artist B');
    expect(trackName({ artist: null, title: null, path: 'C:\\m\\z.ogg' })).toBe('z.ogg');
    // A POSIX name may hold a backslash: it is the file's own, shown escaped.
    expect(trackName({ artist: null, title: null, path: '/m/a\\b.ogg' })).toBe('a\\\\b.ogg');
    expect(trackName({ artist: null, title: 'bidi \u202egninrawt\u202c title', path: '/m/x.ogg' })).toBe('bidi \\u202egninrawt\\u202c title');
  });
});

describe('errors as the user reads them', () => {
  it('keeps the file and the cause, and adds what to do for known codes', () => {
    const r = readable(new EngineError({ code: 'not-indexed', message: 'the catalog has no tracks for model base', file: '/data/catalog.db' }));
    expect(r).toMatchObject({ title: 'the catalog has no tracks for model base', file: '/data/catalog.db', code: 'not-indexed' });
    expect(r.detail).toContain('Library');
  });

  it('takes errors as data (a job-end error) and plain errors alike', () => {
    expect(readable({ code: 'bad-input', message: 'not a video', file: 'x.mp4', detail: 'ffmpeg: Invalid data' })).toEqual({ title: 'not a video', file: 'x.mp4', detail: 'ffmpeg: Invalid data', code: 'bad-input' });
    // A message that begins with the file names it once.
    expect(readable({ code: 'bad-input', message: '/m/a b.ogg: has no video stream', file: '/m/a b.ogg' })).toEqual({ title: '/m/a b.ogg: has no video stream', code: 'bad-input' });
    expect(readable(new Error('boom'))).toEqual({ title: 'boom', code: 'internal' });
  });
});
