/**
 * analyzeTrack reads a track's title, artist and album from the file's own tags (written here by
 * ffmpeg), and null for a tag the file does not carry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeTrack } from '../../../electron/engine/library/audio-analyzer';
import { ffmpeg } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-track-tags-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tone = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=22050:duration=2'];

describe('analyzeTrack tags', () => {
  it('title, artist and album from the file; duration 2 s', async () => {
    const file = await ffmpeg([...tone, '-metadata', 'title=Harbour Lights', '-metadata', 'artist=The Quays', '-metadata', 'album=Low Tide', '-c:a', 'flac'], join(tmp, 'tagged.flac'));
    const a = await analyzeTrack(file, new AbortController().signal);
    expect(a.info).toEqual({ title: 'Harbour Lights', artist: 'The Quays', album: 'Low Tide', duration: expect.closeTo(2, 2) });
  });

  it('a file without an album tag: album null', async () => {
    const file = await ffmpeg([...tone, '-metadata', 'title=Only Title', '-c:a', 'flac'], join(tmp, 'title-only.flac'));
    const a = await analyzeTrack(file, new AbortController().signal);
    expect(a.info).toMatchObject({ title: 'Only Title', artist: null, album: null });
  });
});
