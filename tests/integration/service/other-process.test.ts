/**
 * Review R14: tracks another process (the CLI) indexed into the catalog the app had open were
 * listed by the Library but left out of every match and playlist until a restart: the engine kept
 * the library it had loaded. Two engines on one catalog stand for the app and the CLI here, each
 * with its own SQLite connection, as two processes have.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob, type EngineApi } from '../../../electron/contract/api';
import type { EngineEvent } from '../../../electron/contract/types';
import { withEngine } from '../../helpers/engine';

const tmp = mkdtempSync(join(tmpdir(), 'nd-other-process-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const music = resolve(import.meta.dirname, '../../../../shared/media/music');

describe('a catalog another process writes to', () => {
  it('serves the tracks the other process added to playlists and tells the front', async () => {
    const first = join(tmp, 'first');
    const later = join(tmp, 'later');
    mkdirSync(first);
    mkdirSync(later);
    for (const f of ['Kevin_MacLeod_-_Vibe_Ace.ogg', 'sorohanro_-_solo-trumpet-06.ogg']) copyFileSync(join(music, f), join(first, f));
    copyFileSync(join(music, 'Karissa_Hobbs_-_Lets_Go_Fishin.ogg'), join(later, 'fishin.ogg'));
    const data = join(tmp, 'data');
    const scan = (engine: EngineApi, folder: string) => runJob(engine, 'library.scan', { folders: [folder], jobs: 1 });
    await withEngine(data, { confined: false }, async (app, events: EngineEvent[]) => {
      await scan(app, first);
      const energy = (length: number) => runJob(app, 'playlist.build', { kind: 'energy', curve: 'low,high', length });
      expect((await energy(2)).tracks).toHaveLength(2);
      await expect(energy(3)).rejects.toThrow('exceeds the 2 tracks available');
      // The CLI, in its own process, indexes one more folder into the same catalog.
      await withEngine(data, { confined: false }, async (cli) => {
        await scan(cli, later);
      });
      const before = events.filter((e) => e.type === 'changed' && e.what === 'tracks').length;
      const three = await energy(3);
      expect(three.tracks.map((t) => t.track.path)).toContain(join(later, 'fishin.ogg'));
      expect(events.filter((e) => e.type === 'changed' && e.what === 'tracks').length).toBe(before + 1);
      // Nothing new since: the library stays loaded, no second notice.
      await energy(3);
      expect(events.filter((e) => e.type === 'changed' && e.what === 'tracks').length).toBe(before + 1);
    });
  });
});
