/**
 * The utilityProcess entry (electron/main/engine-process.ts) as a real child process: Node stands
 * in for Electron's utilityProcess (parent-port-shim.mjs gives it process.parentPort). Through
 * the EngineHost main uses: the context main passes arrives, a clip opened in the engine is
 * served by media:// with Range, and after a SIGKILL the call in flight fails with
 * engine-unavailable and a new process answers, with the clips the window opened still open.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import { EngineError } from '../../../electron/contract/errors';
import type { ClientMessage, ServerMessage } from '../../../electron/contract/messages';
import { ENGINE_ENV } from '../../../electron/main/engine-env';
import { EngineHost, type EngineChild } from '../../../electron/main/engine-host';
import { rememberOpenedClips } from '../../../electron/main/opened-clips';
import { mediaHandler } from '../../../electron/main/protocols';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLIP = resolve(ROOT, '../shared/media/video/chaplin.mp4');
const MUSIC = resolve(ROOT, '../shared/media/music/sorohanro_-_solo-trumpet-06.ogg');
const dataDir = mkdtempSync(join(tmpdir(), 'nd-engine-process-'));
// The library lives beside the data folder: a folder inside it is refused as a library folder (7faf3c0).
const musicDir = mkdtempSync(join(tmpdir(), 'nd-engine-process-music-'));
const processes: ChildProcess[] = [];

function spawnEngine(): EngineChild {
  const child = fork(join(ROOT, 'electron/main/engine-process.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', '--import', join(import.meta.dirname, 'parent-port-shim.mjs')],
    env: {
      ...process.env,
      [ENGINE_ENV.dataDir]: dataDir,
      [ENGINE_ENV.shippedModels]: join(ROOT, 'models'),
      [ENGINE_ENV.appVersion]: '9.9.9-test',
    },
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  processes.push(child);
  return {
    port: {
      send: (m: ClientMessage) => {
        child.send(m);
      },
      onMessage(handler: (m: ServerMessage) => void) {
        child.on('message', handler as (m: unknown) => void);
        return () => child.off('message', handler as (m: unknown) => void);
      },
    },
    onExit: (h) => child.once('exit', (code) => h(code)),
    kill: () => child.kill(),
  };
}

const host = new EngineHost({ name: 'engine', spawn: spawnEngine });
afterAll(() => {
  host.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(musicDir, { recursive: true, force: true });
});

describe('engine utilityProcess entry', () => {
  it('builds the Engine from what main passes: data folder, app version', async () => {
    const info = await host.call('engine.info');
    expect(info.dataDir).toBe(dataDir);
    expect(info.appVersion).toBe('9.9.9-test');
    expect(info.catalog).toBe(join(dataDir, 'catalog.sqlite'));
  });

  it('an opened clip is served by id through media.resolve, with Range', async () => {
    const clip = await host.call('clip.open', { path: CLIP });
    const media = mediaHandler(async (kind, id) => (await host.call('media.resolve', { kind, id })).path);
    const r = await media({ url: `media://clip/${clip.id}`, method: 'GET', headers: new Headers({ Range: 'bytes=100-199' }) });
    expect(r.status).toBe(206);
    expect(Buffer.from(await r.arrayBuffer()).equals(readFileSync(CLIP).subarray(100, 200))).toBe(true);
    // A track id with no catalog yet: refused, and media:// answers 404.
    await expect(host.call('media.resolve', { kind: 'track', id: 1 })).rejects.toMatchObject({ code: 'not-indexed' });
    expect((await media({ url: 'media://track/1', method: 'GET', headers: new Headers() })).status).toBe(404);
  });

  it('killed mid-call: the call fails with engine-unavailable, a new process answers', async () => {
    const first = processes[processes.length - 1];
    const inFlight = host.call('clip.open', { path: CLIP });
    first.kill('SIGKILL');
    const err = await inFlight.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('engine-unavailable');
    const info = await host.call('engine.info');
    expect(info.dataDir).toBe(dataDir);
    expect(processes).toHaveLength(2);
    expect(processes[1].pid).not.toBe(first.pid);
    expect(host.restarts).toBe(1);
  });

  it('a clip opened before a restart is still served by id (main remembers what clip.open answered; the new process has it again)', async () => {
    const clips = rememberOpenedClips(host);
    const clip = await clips.api.call('clip.open', { path: CLIP });
    processes[processes.length - 1].kill('SIGKILL');
    await expect(host.call('media.resolve', { kind: 'clip', id: clip.id })).rejects.toMatchObject({ code: 'engine-unavailable' });
    expect(await host.call('media.resolve', { kind: 'clip', id: clip.id })).toEqual({ path: CLIP });
    expect(clips.path(clip.id)).toBe(CLIP);
    expect(clips.path('00000000-0000-0000-0000-000000000000')).toBeUndefined();
  });

  it('the clip the window opened keeps working after a restart: match, and its cuts under the same id (review R1.1)', async () => {
    // A one-track library for the confined engine to rank against.
    const music = join(musicDir, 'music');
    mkdirSync(music, { recursive: true });
    copyFileSync(MUSIC, join(music, 'trumpet.ogg'));
    await host.call('library.addFolder', { path: music });
    await runJob(host, 'library.scan', {});
    const clip = await host.call('clip.open', { path: CLIP });
    const matchClip = () => runJob(host, 'match', { clips: [CLIP], top: 3, provider: 'cpu' });
    const ranking = (r: Awaited<ReturnType<typeof matchClip>>): Array<[number, number]> => r.clips[0].results.map((t) => [t.track.id, t.offset]);
    const before = await matchClip();
    expect(before.clips[0].results.map((t) => t.track.path)).toEqual([join(music, 'trumpet.ogg')]);
    const cuts = await runJob(host, 'clip.cuts', { id: clip.id });

    const restarts = host.restarts;
    processes[processes.length - 1].kill('SIGKILL');
    while (host.restarts === restarts) await new Promise((r) => setTimeout(r, 50));

    // The old engine refused this as 'outside the library folders, the data folder and the clips you opened'.
    expect(ranking(await matchClip())).toEqual(ranking(before));
    // The Match screen's clip id: the old engine answered 'no opened clip with id …'.
    expect(await runJob(host, 'clip.cuts', { id: clip.id })).toEqual(cuts);
    // Not granted by the restart: a clip never opened is still refused.
    await expect(runJob(host, 'match', { clips: [resolve(ROOT, '../shared/media/video/fire2.mp4')] })).rejects.toMatchObject({ code: 'forbidden-path' });
  }, 300_000);
});
