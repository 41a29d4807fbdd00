/**
 * Review R24: tracks kept while their folder is an empty mount point (R4/R19) were ranked by match
 * and playlists like any other, and the #1 result could then be neither previewed nor exported
 * ("file not found"). While their files are not there they are not offered; back, they are.
 */
import { copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { withEngine } from '../../helpers/engine';

const tmp = mkdtempSync(join(tmpdir(), 'nd-unavailable-rank-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const media = resolve(import.meta.dirname, '../../../../shared/media');

describe('tracks whose folder is unplugged', () => {
  it('are left out of match and playlists until their files are back', async () => {
    const lib = join(tmp, 'music');
    const nas = join(lib, 'nas');
    mkdirSync(nas, { recursive: true });
    copyFileSync(join(media, 'music', 'Kevin_MacLeod_-_Vibe_Ace.ogg'), join(lib, 'vibe.ogg'));
    copyFileSync(join(media, 'music', 'sorohanro_-_solo-trumpet-06.ogg'), join(lib, 'trumpet.ogg'));
    copyFileSync(join(media, 'music', 'Karissa_Hobbs_-_Lets_Go_Fishin.ogg'), join(nas, 'fishin.ogg'));
    const clip = join(media, 'video', 'big_buck_bunny_0_30.webm');
    await withEngine(join(tmp, 'data'), { confined: false }, async (engine) => {
      await runJob(engine, 'library.scan', { folders: [lib], jobs: 1 });
      const results = async () => (await runJob(engine, 'match', { clips: [clip], top: 10 })).clips[0].results;
      const ranked = async () => (await results()).map((r) => r.track.path).sort();
      const energy = (length: number) => runJob(engine, 'playlist.build', { kind: 'energy', curve: 'low,high', length });
      const all = await results();
      expect(all.map((r) => r.track.path).sort()).toEqual([join(nas, 'fishin.ogg'), join(lib, 'trumpet.ogg'), join(lib, 'vibe.ogg')]);
      const placeOf = new Map(all.map((r) => [r.track.path, [r.rank, r.fit.of, r.fit.top]]));

      renameSync(nas, join(tmp, 'nas-away'));
      mkdirSync(nas);
      expect(await runJob(engine, 'library.scan', { folders: [lib], jobs: 1 })).toMatchObject({ unavailable: 1, removed: 0 });
      const away = await results();
      expect(away.map((r) => r.track.path).sort()).toEqual([join(lib, 'trumpet.ogg'), join(lib, 'vibe.ogg')]);
      // Review R32: each keeps its rank and standing among all three ("#3 of 3" stays #3, not renumbered #2).
      for (const r of away) expect([r.rank, r.fit.of, r.fit.top]).toEqual(placeOf.get(r.track.path));
      await expect(energy(3)).rejects.toThrow('exceeds the 2 tracks available');
      // Asked for by id (a ranking made before it went), the app is told why, not "file not found".
      const fishin = all.find((r) => r.track.path === join(nas, 'fishin.ogg'))!.track.id;
      await expect(runJob(engine, 'export', { clip, track: fishin, out: join(tmp, 'away.mp4') })).rejects.toMatchObject({
        code: 'bad-input',
        message: `${join(nas, 'fishin.ogg')}: the file is not there now (is its drive plugged in?); the catalog keeps its track until it is back`,
      });

      rmSync(nas, { recursive: true });
      renameSync(join(tmp, 'nas-away'), nas);
      await runJob(engine, 'library.scan', { folders: [lib], jobs: 1 });
      expect(await ranked()).toEqual([join(nas, 'fishin.ogg'), join(lib, 'trumpet.ogg'), join(lib, 'vibe.ogg')]);
      expect((await energy(3)).tracks).toHaveLength(3);
    });
  }, 300_000);
});
