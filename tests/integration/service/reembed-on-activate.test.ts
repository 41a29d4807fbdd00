/**
 * A newly active model is usable at once (review S7): the app's engine re-embeds the library from
 * the stored features when a version is activated, in a job with progress, instead of Match saying
 * "add a music folder and scan it"; the CLI's `models activate` does the same before it returns.
 * The truth for the scores is the other path that embeds: a scan's re-embed (the indexer's code,
 * not reembed()), in a second data folder.
 */
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { phaseName } from '../../../electron/contract/wording';
import type { EngineEvent, ProgressEvent } from '../../../electron/contract/types';
import { useBackend } from '../../../electron/engine/metric/backend';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { needledropWithEnv } from '../../helpers/cli';
import { jobEndOf } from '../../helpers/job-end';
import { sharedMediaDir } from '../../helpers/media';
import { randomVersion } from '../../helpers/model-versions';

const media = await sharedMediaDir();
const tmp = mkdtempSync(join(tmpdir(), 'nd-reembed-'));
const music = join(tmp, 'music');
const TRACKS = ['admiralbob77_-_Choice_-_Drum-bass.ogg', 'sorohanro_-_solo-trumpet-06.ogg', '147793__setuniman__sweet-waltz-0i-22mi.ogg'];
const clip = join(media ?? '', 'video', 'chaplin.mp4');

/** A second real model version with the current feature spec (random weights: it ranks differently). */
const altVersion = (dataDir: string): Promise<void> => randomVersion(dataDir, 'alt', { seed: 11, data: 're-embed test' });

const engines: Engine[] = [];
function open(dataDir: string, watch: boolean): { engine: Engine; events: EngineEvent[] } {
  const engine = new Engine(contextFromEnv({}, { dataDir, threads: 2, ...(watch ? { watch: true } : {}) }));
  engines.push(engine);
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return { engine, events };
}

beforeAll(async () => {
  if (!media) return;
  mkdirSync(music, { recursive: true });
  for (const f of TRACKS) copyFileSync(join(media, 'music', f), join(music, f));
  await useBackend('cpu');
}, 60_000);

afterAll(async () => {
  for (const e of engines) await e.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!media)('activating a model version re-embeds the library', () => {
  it('the app engine: activate → a re-embed job with progress → Match uses the version; rollback needs none and restores the ranking', async () => {
    const dataDir = join(tmp, 'app');
    await altVersion(dataDir);
    const { engine, events } = open(dataDir, true);
    await runJob(engine, 'library.scan', { folders: [music] });
    const base = await runJob(engine, 'match', { clips: [clip], top: 3 });
    expect(base.model).toBe('base');

    await engine.call('models.activate', { version: 'alt' });
    const job = await new Promise<string>((done) => {
      const find = (): void => {
        void engine.call('jobs.list').then((list) => {
          // The live job, not its row in the catalog's job history (ids "catalog-N").
          const j = list.find((x) => x.op === 'library.reembed' && !x.id.startsWith('catalog-'));
          if (j) done(j.id);
          else setTimeout(find, 10);
        });
      };
      find();
    });
    const end = await jobEndOf(events, job);
    expect(end.state).toBe('done');
    expect(end.result).toMatchObject({ model: 'alt', embedded: TRACKS.length, tracks: TRACKS.length });
    const progress = events.filter((e): e is ProgressEvent => e.type === 'progress' && e.jobId === job);
    expect(progress.at(-1)).toMatchObject({ phase: 'embedding', done: TRACKS.length, total: TRACKS.length });

    const alt = await runJob(engine, 'match', { clips: [clip], top: 3 });
    expect(alt.model).toBe('alt');
    expect(alt.clips[0].results.map((r) => r.score)).not.toEqual(base.clips[0].results.map((r) => r.score));

    // The same version embedded by a scan (the indexer's re-embed) in another data folder: the same scores.
    const otherDir = join(tmp, 'by-scan');
    cpSync(join(dataDir, 'models'), join(otherDir, 'models'), { recursive: true });
    const other = open(otherDir, false).engine;
    await runJob(other, 'library.scan', { folders: [music] });
    await other.call('models.activate', { version: 'alt' });
    expect(await runJob(other, 'library.scan', { folders: [music] })).toMatchObject({ reembedded: TRACKS.length });
    const byScan = await runJob(other, 'match', { clips: [clip], top: 3 });
    // Track ids follow the order the scan's workers finished in: compared without them.
    const withoutIds = (rs: typeof alt.clips[0]['results']): unknown[] => rs.map(({ track: { id: _id, ...track }, ...r }) => ({ ...r, track }));
    expect(withoutIds(alt.clips[0].results)).toEqual(withoutIds(byScan.clips[0].results));

    // Rollback: base's segments are still there, so no job, and the first ranking exactly.
    await engine.call('models.rollback');
    const back = await runJob(engine, 'match', { clips: [clip], top: 3 });
    expect(back.clips[0].results).toEqual(base.clips[0].results);
    const live = (await engine.call('jobs.list')).filter((j) => j.op === 'library.reembed' && !j.id.startsWith('catalog-'));
    expect(live).toHaveLength(1); // the activation's; the rollback started none
  }, 240_000);

  it('the CLI: `models activate` re-embeds before it returns, and `match` then ranks with the version', async () => {
    const home = join(tmp, 'cli');
    await altVersion(home);
    const env = { NEEDLEDROP_HOME: home };
    expect((await needledropWithEnv(env, 'index', music)).code).toBe(0);
    const activated = await needledropWithEnv(env, 'models', 'activate', 'alt');
    expect(activated.code).toBe(0);
    expect(activated.stdout).toContain(`re-embedded ${TRACKS.length} tracks for alt`);
    const matched = await needledropWithEnv(env, 'match', clip, '--top', '1', '--json');
    expect(matched.code).toBe(0);
    expect((JSON.parse(matched.stdout) as { model: string }).model).toBe('alt');
    const again = await needledropWithEnv(env, 'models', 'rollback');
    expect(again.stdout).toContain(`already embedded for base`);
    expect(again.stderr).not.toMatch(/0\/0/); // nothing to embed: no empty progress line (second review T4)
  }, 240_000);

  it('the CLI: `train --activate` re-embeds the catalog for the version it made', async () => {
    const home = join(tmp, 'cli-train');
    const env = { NEEDLEDROP_HOME: home };
    const corpus = join(tmp, 'corpus');
    expect((await needledropWithEnv(env, 'corpus', '--out', corpus, '--pairs', '10', '--seed', '1', '--track-seconds', '12')).code).toBe(0);
    expect((await needledropWithEnv(env, 'index', music)).code).toBe(0);
    const trained = await needledropWithEnv(env, 'train', '--corpus', corpus, '--version', 't-act', '--steps', '2', '--activate');
    expect(trained.code).toBe(0);
    expect(trained.stdout).toContain(`re-embedded ${TRACKS.length} tracks for t-act`);
    // The status line names its phases in words, as the Train screen does (F8's note: 'features 3/10' before).
    expect(trained.stderr).toContain(`${phaseName('features')} `);
    expect(trained.stderr).not.toMatch(/(^|\r|\n)train: features \d/);
    const matched = await needledropWithEnv(env, 'match', clip, '--top', '1', '--json');
    expect(matched.code).toBe(0);
    expect((JSON.parse(matched.stdout) as { model: string }).model).toBe('t-act');
  }, 240_000);
});
