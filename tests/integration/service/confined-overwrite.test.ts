/**
 * A confined front's overwrites (review R1.9), over the real browser bridge (`needledrop serve`'s
 * WebSocket, token in the URL): `fit.savePlan` and `export` with `force` may not replace the
 * user's other files (a config.json, a text file named .mp4) nor anything in the data folder
 * (active-model.json, settings.json); a save or export over its own earlier output still works.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { runJob, type EngineApi } from '../../../electron/contract/api';
import { createEngineClient } from '../../../electron/contract/client';
import type { ClientMessage, ServerMessage } from '../../../electron/contract/messages';
import { contextFromEnv, Engine, probe, startBridge, type Bridge } from '../../../electron/engine/service';
import { PathGuard } from '../../../electron/engine/service/paths-guard';
import { hardCuts, musicLike } from '../../helpers/media';

const tmp = mkdtempSync(join(tmpdir(), 'nd-confined-overwrite-'));
const data = join(tmp, 'data');
const victim = join(tmp, 'victim');
const outDir = join(tmp, 'out');
let engine: Engine;
let bridge: Bridge;
let ws: WebSocket;
let api: EngineApi;
let song: string;
let clip: string;
const PLAN = { ranges: [{ sourceStart: 0, sourceEnd: 8 }] };

beforeAll(async () => {
  for (const d of [victim, outDir, join(tmp, 'library'), join(tmp, 'clips')]) mkdirSync(d, { recursive: true });
  song = await musicLike(join(tmp, 'library'), { seconds: 12, bpm: 120, name: 'song.wav' });
  clip = await hardCuts(join(tmp, 'clips'), { seconds: 4, cuts: [2], fps: 25, width: 64, height: 36 });
  engine = new Engine(contextFromEnv({}, { dataDir: data, confined: true }));
  bridge = await startBridge(engine, { staticDir: tmp });
  ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/api?token=${bridge.token}`);
  await new Promise((done, fail) => ws.once('open', done).once('error', fail));
  api = createEngineClient({
    send: (m: ClientMessage) => ws.send(JSON.stringify(m)),
    onMessage(handler: (m: ServerMessage) => void) {
      const on = (d: Buffer): void => handler(JSON.parse(d.toString()) as ServerMessage);
      ws.on('message', on);
      return () => ws.off('message', on);
    },
  });
  await api.call('library.addFolder', { path: join(tmp, 'library') });
  await api.call('clip.open', { path: clip });
}, 120_000);
afterAll(async () => {
  ws?.close();
  await bridge?.close();
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const savePlan = (out: string, force = true) => api.call('fit.savePlan', { out, plan: PLAN, clip, track: song, ...(force ? { force } : {}) });
const exportTo = (out: string, force = true) => runJob(api, 'export', { clip, track: song, out, offset: 0, ...(force ? { force } : {}) });

describe('a confined front replaces only its own earlier output (review R1.9)', () => {
  it("refuses the reviewer's two requests: a plan over any .json, and over the data folder's active-model.json", async () => {
    const config = join(victim, 'config.json');
    writeFileSync(config, '{"important": true}\n');
    await expect(savePlan(config)).rejects.toMatchObject({ code: 'forbidden-path', message: expect.stringContaining('is not a fit plan Needledrop saved') });
    expect(readFileSync(config, 'utf8')).toBe('{"important": true}\n');

    const pointer = join(data, 'active-model.json');
    writeFileSync(pointer, '{"active":"base"}\n');
    await expect(savePlan(pointer)).rejects.toMatchObject({ code: 'forbidden-path', message: expect.stringContaining("inside Needledrop's data folder") });
    expect(readFileSync(pointer, 'utf8')).toBe('{"active":"base"}\n');
    // settings.json too, and a new file there without force: the data folder is the engine's own.
    const settings = readFileSync(join(data, 'settings.json'), 'utf8');
    await expect(savePlan(join(data, 'settings.json'))).rejects.toMatchObject({ code: 'forbidden-path' });
    await expect(savePlan(join(data, 'models', 'x-plan.json'), false)).rejects.toMatchObject({ code: 'forbidden-path' });
    expect(readFileSync(join(data, 'settings.json'), 'utf8')).toBe(settings);
  });

  it('export with force refuses a file that is not a video of its name, and the data folder', async () => {
    const notes = join(victim, 'notes.mp4');
    writeFileSync(notes, 'my notes, not a video\n');
    await expect(exportTo(notes)).rejects.toMatchObject({ code: 'forbidden-path', message: expect.stringContaining('is not a file Needledrop wrote') });
    expect(readFileSync(notes, 'utf8')).toBe('my notes, not a video\n');
    await expect(exportTo(join(data, 'scored.mp4'))).rejects.toMatchObject({ code: 'forbidden-path', message: expect.stringContaining("inside Needledrop's data folder") });
  }, 120_000);

  it('a save and an export with force over their own earlier output still work', async () => {
    const plan = join(outDir, 'clip-plan.json');
    expect((await savePlan(plan, false)).out).toBe(plan);
    await expect(savePlan(plan, false)).rejects.toMatchObject({ code: 'exists' });
    expect((await savePlan(plan)).out).toBe(plan);
    expect(JSON.parse(readFileSync(plan, 'utf8'))).toMatchObject({ clip, track: song, plan: PLAN });

    const scored = join(outDir, 'clip-scored.mp4');
    await exportTo(scored, false);
    await exportTo(scored);
    const info = await probe(scored);
    expect(info.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
  }, 120_000);

  it('a corpus may still be made in a folder of its own inside the data folder, not in one the engine keeps there', () => {
    const guard = new PathGuard(true, () => [data], { dataDir: data, catalogPath: join(data, 'catalog.sqlite') });
    mkdirSync(join(data, 'checkpoints', 'v1'), { recursive: true });
    expect(guard.write(join(data, 'corpus'), { corpusFolder: true })).toBe(join(data, 'corpus'));
    expect(() => guard.write(join(data, 'checkpoints'), { corpusFolder: true })).toThrow(/inside Needledrop's data folder/);
    expect(() => guard.write(join(data, 'corpus'))).toThrow(/inside Needledrop's data folder/);
  });
});
