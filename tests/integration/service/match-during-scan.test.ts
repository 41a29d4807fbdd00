/**
 * Review R21: a match running when a library scan ended failed with "internal error: Session
 * already disposed." (the scan's end dropped the cached sessions and closed the one the match was
 * using). In the app any scan does this: the opening scan, Watch. The match must finish on what it
 * started with, and what was dropped is closed after it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { withEngine } from '../../helpers/engine';

const tmp = mkdtempSync(join(tmpdir(), 'nd-match-scan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const media = resolve(import.meta.dirname, '../../../../shared/media');

describe('a scan ending while a match runs', () => {
  it('leaves the match to finish with its ranking, and the next match works too', async () => {
    const lib = join(tmp, 'music');
    mkdirSync(lib);
    for (const f of ['Kevin_MacLeod_-_Vibe_Ace.ogg', 'sorohanro_-_solo-trumpet-06.ogg', 'Karissa_Hobbs_-_Lets_Go_Fishin.ogg']) copyFileSync(join(media, 'music', f), join(lib, f));
    const clip = join(media, 'video', 'big_buck_bunny_0_30.webm');
    await withEngine(join(tmp, 'data'), { confined: false }, async (engine) => {
      await runJob(engine, 'library.scan', { folders: [lib], jobs: 1 });
      const alone = await runJob(engine, 'match', { clips: [clip], top: 3 });
      // A copy of the clip: the match session keeps the clip it analysed (e07115a), and a match of
      // the same file again decodes nothing, so it would end before the scan and run no race.
      const copy = join(tmp, 'clip-copy.webm');
      copyFileSync(clip, copy);
      const ended: string[] = [];
      // This match's own first progress is said inside the session it holds: before it, the scan
      // could end before the match took its session, and the race would not run. (Any match event
      // did not do: the first match's were already in `events`.)
      let underWay!: () => void;
      const holding = new Promise<void>((ok) => (underWay = ok));
      const matching = runJob(engine, 'match', { clips: [copy], top: 3 }, { onProgress: (p) => void (p.phase === 'match' && underWay()) }).then((r) => (ended.push('match'), r));
      // Once the match is under way, a scan (nothing new) runs to its end and drops the sessions.
      await holding;
      await runJob(engine, 'library.scan', { folders: [lib], jobs: 1 }).then(() => ended.push('scan'));
      const during = await matching;
      // The case under test: the scan ended first (else the race was not run and the test says so).
      expect(ended).toEqual(['scan', 'match']);
      expect(during.clips[0].results.map((r) => [r.track.id, r.offset])).toEqual(alone.clips[0].results.map((r) => [r.track.id, r.offset]));
      const after = await runJob(engine, 'match', { clips: [clip], top: 3 });
      expect(after.clips[0].results.map((r) => r.track.id)).toEqual(alone.clips[0].results.map((r) => r.track.id));
    });
  }, 300_000);
});
