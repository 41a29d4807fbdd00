/**
 * `needledrop match CLIP --sections --top 1` gives every section its best remaining track, through the
 * real CLI on real media: the eight recordings of ../shared/media/music indexed with the shipped
 * model, and a clip of four parts that look unlike each other (Big Buck Bunny, Chaplin's black and
 * white, Bunny again, the SMPTE test pattern) joined by ffmpeg. The Chaplin part fits every track
 * better than the others fit any but one; the sections' share-out capped each list at the top plus
 * the room kept for silent and missing tracks (11), so that section took all eight tracks and the
 * other three were left empty.
 *
 * The truth is the same CLI with --allow-repeats --top 8: each section ranked on its own. From those
 * rankings alone: each section gets one track, no track twice, and any track a section ranks above
 * the one it got went to a section it fits at least as well (the greedy share-out's rule). Its rank
 * is its place in its own section's ranking.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatchResponse, RankedClip } from '../../electron/contract/types';
import { needledropWithEnv, type CliResult } from '../helpers/cli';
import { ffmpeg, sharedMediaDir, tempDir } from '../helpers/media';

const MEDIA = await sharedMediaDir();

describe.skipIf(!MEDIA)('match --sections --top 1: every section gets its best remaining track', () => {
  let dir = '';
  let home = '';
  let db = '';
  let clip = '';
  let cleanup: () => Promise<void>;
  const cli = (...args: string[]): Promise<CliResult> => needledropWithEnv({ NEEDLEDROP_HOME: home }, ...args, '--db', db);

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('needledrop-cli-sections-'));
    home = join(dir, 'home');
    mkdirSync(home);
    db = join(dir, 'catalog.sqlite');
    const video = (name: string): string => join(MEDIA!, 'video', name);
    const part = (input: number, from?: number, to?: number): string =>
      `[${input}:v]scale=640:360,setsar=1,fps=25${from !== undefined ? `,trim=${from}:${to},setpts=PTS-STARTPTS` : ''}`;
    clip = await ffmpeg(
      [
        ...['chaplin.mp4', 'big_buck_bunny_0_30.webm', 'smpte-2997.mp4'].flatMap((f) => ['-i', video(f)]),
        '-filter_complex',
        `${part(1, 0, 12)}[a];${part(0)}[b];${part(1, 14, 28)}[c];${part(2)}[d];[a][b][c][d]concat=n=4:v=1:a=0[v]`,
        ...['-map', '[v]', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p'],
      ],
      join(dir, 'four-parts.mp4'),
    );
    const indexed = await needledropWithEnv({ NEEDLEDROP_HOME: home }, 'index', join(MEDIA!, 'music'), '--db', db);
    expect(indexed.code, indexed.stderr).toBe(0);
  }, 600_000);
  afterAll(() => cleanup?.());

  const sectionsOf = (r: CliResult): RankedClip[] => {
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as MatchResponse).clips[0].sections ?? [];
  };

  it('one track each, none twice, each the best its section has left', async () => {
    const shared = sectionsOf(await cli('match', clip, '--sections', '--top', '1', '--provider', 'cpu', '--json'));
    const alone = sectionsOf(await cli('match', clip, '--sections', '--allow-repeats', '--top', '8', '--provider', 'cpu', '--json'));
    expect(alone.length).toBeGreaterThanOrEqual(3);
    expect(shared.map((s) => [s.start, s.end])).toEqual(alone.map((s) => [s.start, s.end]));
    for (const s of alone) expect(s.results).toHaveLength(8);

    expect(shared.map((s) => s.results.length)).toEqual(shared.map(() => 1));
    const given = shared.map((s) => s.results[0].track.id);
    expect(new Set(given).size).toBe(given.length);
    // Scores as each section alone ranks the tracks (3 decimals in the JSON: ties within rounding).
    const score = (section: number, track: number): number => alone[section].results.find((r) => r.track.id === track)!.score;
    for (const [s, got] of shared.entries()) {
      const own = alone[s].results.findIndex((r) => r.track.id === given[s]);
      expect(shared[s].results[0].rank, `section ${s + 1}: its place in its own ranking`).toBe(own + 1);
      expect(shared[s].results[0].score).toBeCloseTo(score(s, given[s]), 3);
      for (const better of alone[s].results.slice(0, own)) {
        const to = given.indexOf(better.track.id);
        expect(to, `section ${s + 1}: track ${better.track.id} ranks above its ${got.results[0].track.id} but went nowhere`).toBeGreaterThanOrEqual(0);
        expect(score(to, better.track.id), `track ${better.track.id} went to section ${to + 1}, which it fits less than section ${s + 1}`).toBeGreaterThanOrEqual(better.score - 0.0015);
      }
    }
  }, 600_000);
});
