/**
 * The whole Engine driven through the message transport, as the renderer and the Electron shell
 * drive it: requests cross a real MessageChannel (structured clone), replies and events come
 * back the same way. Real ffmpeg, real onnxruntime-node, real SQLite, real files.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob, type EngineApi } from '../../../electron/contract/api';
import { createEngineClient, type EngineClient } from '../../../electron/contract/client';
import { EngineError } from '../../../electron/contract/errors';
import type { ClientMessage, ServerMessage } from '../../../electron/contract/messages';
import type { EngineEvent, ProgressEvent } from '../../../electron/contract/types';
import { useBackend } from '../../../electron/engine/metric/backend';
import { probe } from '../../../electron/engine/media/probe';
import { messagePortAdapter, serveEngine } from '../../../electron/engine/host/serve';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { randomVersion } from '../../helpers/model-versions';

const MEDIA = resolve(import.meta.dirname, '../../../../shared/media');
const tmp = mkdtempSync(join(tmpdir(), 'nd-transport-'));
const music = join(tmp, 'music');
const dataDir = join(tmp, 'data');
const SHORT = ['admiralbob77_-_Choice_-_Drum-bass.ogg', 'sorohanro_-_solo-trumpet-06.ogg', '147793__setuniman__sweet-waltz-0i-22mi.ogg', 'Kevin_MacLeod_-_Vibe_Ace.ogg'];
const CLIP = join(MEDIA, 'video', 'chaplin.mp4');

let engine: Engine;
let client: EngineClient;
let stop: () => void;
const events: EngineEvent[] = [];

beforeAll(async () => {
  mkdirSync(music, { recursive: true });
  for (const f of SHORT) copyFileSync(join(MEDIA, 'music', f), join(music, f));
  engine = new Engine(contextFromEnv({}, { dataDir, threads: 2 }));
  const channel = new MessageChannel();
  stop = serveEngine(engine, messagePortAdapter<unknown, ServerMessage>(channel.port1));
  client = createEngineClient(messagePortAdapter<ServerMessage, ClientMessage>(channel.port2));
  client.subscribe((e) => events.push(e));
  await useBackend('cpu');
  // A second real version with the current feature spec (random weights: it ranks differently).
  await randomVersion(dataDir, 'alt', { seed: 5, data: 'transport test' });
}, 120_000);

afterAll(async () => {
  stop?.();
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const api = (): EngineApi => client;

describe('Engine over the message transport', () => {
  it('refuses malformed, unknown-field, oversized and unknown requests with errors as data', async () => {
    const refused = async (p: Promise<unknown>): Promise<EngineError> => {
      const err = await p.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(EngineError);
      return err as EngineError;
    };
    expect((await refused(client.call('similar', { track: true } as never))).code).toBe('invalid-request');
    const extra = await refused(client.call('tracks.list', { limit: 5, evil: 1 } as never));
    expect(extra.code).toBe('invalid-request');
    expect(extra.message).toMatch(/evil/);
    expect((await refused(client.call('library.addFolder', { path: 'x'.repeat(5000) }))).code).toBe('invalid-request');
    expect((await refused(client.call('playlist.save', { name: 'n', trackIds: Array.from({ length: 60_000 }, (_, i) => i + 1) }))).message).toMatch(/too large|trackIds/);
    expect((await refused(client.call('no.such.op' as never))).code).toBe('unknown-operation');
    expect((await refused(client.start('match', { clips: [] }))).code).toBe('invalid-request');
    expect((await refused(client.call('match' as never, { clips: [CLIP] } as never))).message).toMatch(/job/);
    // Nothing above reached the catalog: none was created.
    expect(existsSync(join(dataDir, 'catalog.sqlite'))).toBe(false);
  });

  it('index → match → playlist → export → activate/rollback, with progress and a cancel', async () => {
    expect(await client.call('library.addFolder', { path: music })).toEqual([music]);
    const progress: ProgressEvent[] = [];
    const scan = await runJob(api(), 'library.scan', {}, { onProgress: (p) => progress.push(p) });
    expect(scan.indexed).toBe(SHORT.length);
    expect(scan.failed).toEqual([]);
    const analyse = progress.filter((p) => p.phase === 'analyze');
    expect(analyse.at(-1)).toMatchObject({ done: SHORT.length, total: SHORT.length });
    expect(events.some((e) => e.type === 'changed' && e.what === 'tracks')).toBe(true);

    const page = await client.call('tracks.list', { sort: 'duration', descending: true });
    expect(page.total).toBe(SHORT.length);
    const durations = page.tracks.map((t) => t.duration);
    expect(durations).toEqual([...durations].sort((a, b) => b - a));
    // Each duration is the file's own, as ffprobe reads it independently.
    for (const t of page.tracks) expect(Math.abs(t.duration - (await probe(t.path)).duration)).toBeLessThan(0.1);
    const search = await client.call('tracks.list', { search: 'trumpet' });
    expect(search.tracks.map((t) => t.path)).toEqual([join(music, 'sorohanro_-_solo-trumpet-06.ogg')]);

    const matched = await runJob(api(), 'match', { clips: [CLIP], top: 3 });
    expect(matched.model).toBe('base');
    const ranking = matched.clips[0].results;
    expect(ranking.map((r) => r.rank)).toEqual([1, 2, 3]);
    expect(new Set(ranking.map((r) => r.track.id)).size).toBe(3);
    for (let i = 1; i < ranking.length; i++) expect(ranking[i - 1].score).toBeGreaterThanOrEqual(ranking[i].score);

    const seed = ranking[0].track.id;
    const list = await runJob(client, 'playlist.build', { kind: 'more-like', seeds: [seed], length: 3 });
    expect(list.tracks).toHaveLength(3);
    expect(list.tracks.map((t) => t.track.id)).not.toContain(seed);
    const saved = await client.call('playlist.save', { name: list.name, trackIds: list.tracks.map((t) => t.track.id), params: list.params });
    expect((await client.call('playlist.get', { id: saved.id })).trackIds).toEqual(list.tracks.map((t) => t.track.id));
    const m3u = await client.call('playlist.m3u', { trackIds: list.tracks.map((t) => t.track.id), out: join(tmp, 'list.m3u8') });
    const lines = readFileSync(m3u.out, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines.map((l) => resolve(tmp, l))).toEqual(list.tracks.map((t) => t.track.path));

    const out = join(tmp, 'scored.mp4');
    const exported = await runJob(api(), 'export', { clip: CLIP, track: ranking[0].track.id, offset: ranking[0].offset, out });
    expect(exported.out).toBe(out);
    const info = await probe(out);
    expect(info.streams.filter((s) => s.type === 'audio')).toHaveLength(1);
    expect(Math.abs(info.duration - (await probe(CLIP)).duration)).toBeLessThan(0.15);

    // A cancelled export leaves nothing under the final name.
    const cancelled = join(tmp, 'cancelled.mp4');
    const ctl = new AbortController();
    const pending = runJob(api(), 'export', { clip: join(MEDIA, 'video', 'big_buck_bunny_0_30.webm'), track: seed, out: cancelled }, { onStart: () => ctl.abort(), signal: ctl.signal });
    const err = await pending.then(
      () => null,
      (e: unknown) => e as EngineError,
    );
    expect(err?.code).toBe('cancelled');
    expect(existsSync(cancelled)).toBe(false);

    // Activate another version: re-embed from stored features, a different ranking; roll back: the first one exactly.
    expect(await client.call('models.activate', { version: 'alt' })).toEqual({ active: 'alt', previous: 'base' });
    const rescan = await runJob(api(), 'library.scan', {});
    expect(rescan).toMatchObject({ indexed: 0, unchanged: SHORT.length, reembedded: SHORT.length });
    const alt = await runJob(api(), 'match', { clips: [CLIP], top: 3 });
    expect(alt.model).toBe('alt');
    expect(alt.clips[0].results.map((r) => r.score)).not.toEqual(ranking.map((r) => r.score));
    expect(await client.call('models.rollback')).toEqual({ active: 'base', previous: 'alt' });
    const back = await runJob(api(), 'match', { clips: [CLIP], top: 3 });
    expect(back.clips[0].results).toEqual(ranking);

    // Delete the other version over the port: a refusal arrives as error data (a dry run: the shipped
    // folder here is the repo's), the deletion with its segments as a result.
    const refused = await client.call('models.delete', { version: 'base', dryRun: true }).then(
      () => null,
      (e: unknown) => e as EngineError,
    );
    expect(refused).toBeInstanceOf(EngineError);
    expect(refused?.code).toBe('bad-input');
    expect(await client.call('models.delete', { version: 'alt' })).toMatchObject({ version: 'alt', deleted: true, segmentTracks: SHORT.length });
    expect((await client.call('models.list')).models.map((m) => m.version)).toEqual(['base']);
  }, 300_000);
});
