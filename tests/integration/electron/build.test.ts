/**
 * The desktop build (scripts/build-electron.ts) and what it produces: main loads none of the
 * engine's native packages (the engine runs in its utilityProcess), and the preload, run as a
 * sandboxed preload is (only `require('electron')`), exposes exactly `window.needledrop` and
 * speaks the contract's wire messages on its one engine channel.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NeedledropBridge } from '../../../electron/contract/bridge';
import type { ServerMessage } from '../../../electron/contract/messages';
import type { EngineEvent } from '../../../electron/contract/types';
import { CHANNELS } from '../../../electron/preload/channels';
import { buildElectron, electronBinary, missingElectronMessage } from '../../../scripts/build-electron';

const ROOT = resolve(import.meta.dirname, '../../..');
const out = mkdtempSync(join(tmpdir(), 'nd-electron-build-'));
let files: string[] = [];
beforeAll(async () => {
  files = await buildElectron(out);
}, 180_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every module a built ESM file imports. */
const importsOf = (code: string): string[] => [...code.matchAll(/^\s*import\s+(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm)].map((m) => m[1]);

describe('build', () => {
  it('writes main, the engine process, the preload and the engine workers', () => {
    for (const f of ['electron/main.js', 'electron/engine-process.js', 'electron/preload.cjs', 'workers/library-worker.js', 'workers/indexer-components.js']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(files.some((f) => f.endsWith('electron/preload.cjs'))).toBe(true);
  });

  it('main imports only electron, Node built-ins and valibot: no onnxruntime, TF.js, SQLite or usearch in the UI process', () => {
    const imports = new Set(importsOf(readFileSync(join(out, 'electron/main.js'), 'utf8')));
    expect(imports.has('electron')).toBe(true);
    expect([...imports].filter((m) => m !== 'electron' && m !== 'valibot' && !m.startsWith('node:'))).toEqual([]);
  });

  it('the engine process carries the engine, and loads TF.js only when asked (training, evaluation)', () => {
    // Its engine is the build's dist/engine/service.js and chunks: every package loaded at start is
    // a static import of a file reached through static imports from the entry.
    const packages = new Set<string>();
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const m of importsOf(readFileSync(file, 'utf8'))) {
        if (m.startsWith('.')) visit(join(dirname(file), m));
        else packages.add(m);
      }
    };
    visit(join(out, 'electron/engine-process.js'));
    expect(seen).toContain(join(out, 'engine/service.js'));
    expect([...packages]).toEqual(expect.arrayContaining(['onnxruntime-node', 'better-sqlite3']));
    expect(packages).not.toContain('electron');
    expect([...packages].filter((m) => m.startsWith('@tensorflow/'))).toEqual([]);
    // …yet the training code is in the build, in chunks loaded by `import()`.
    const lazy = readdirSync(join(out, 'chunks')).filter((f) => f.endsWith('.js') && !seen.has(join(out, 'chunks', f)));
    expect(lazy.some((f) => importsOf(readFileSync(join(out, 'chunks', f), 'utf8')).includes('@tensorflow/tfjs'))).toBe(true);
  });
});

describe('preload, run as Electron runs a sandboxed preload', () => {
  const code = () => readFileSync(join(out, 'electron/preload.cjs'), 'utf8');
  const exposed: Record<string, unknown> = {};
  const sent: Array<[string, unknown]> = [];
  const invoked: unknown[][] = [];
  const required: string[] = [];
  let deliver: (m: ServerMessage) => void = () => {};
  let bridge: NeedledropBridge;

  beforeAll(() => {
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
      ipcRenderer: {
        send: (channel: string, m: unknown) => sent.push([channel, m]),
        on: (channel: string, h: (e: unknown, m: ServerMessage) => void) => {
          if (channel === CHANNELS.engine) deliver = (m) => h({}, m);
        },
        off: () => {},
        invoke: async (...args: unknown[]) => {
          invoked.push(args);
          return args[0] === CHANNELS.openDialog ? '/home/u/clip.mp4' : undefined;
        },
      },
      webUtils: { getPathForFile: (f: { name: string }) => `/dropped/${f.name}` },
    };
    const sandbox = {
      require: (m: string) => {
        required.push(m);
        if (m !== 'electron') throw new Error(`a sandboxed preload cannot require ${m}`);
        return electron;
      },
      process: { platform: 'linux' },
      module: { exports: {} },
      exports: {},
      queueMicrotask,
    };
    vm.runInNewContext(code(), sandbox, { filename: 'preload.cjs' });
    bridge = exposed.needledrop as NeedledropBridge;
  });

  it('requires only electron and exposes one object, window.needledrop, with the bridge and nothing more', () => {
    expect([...new Set(required)]).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['needledrop']);
    expect(Object.keys(bridge).sort()).toEqual(['api', 'mediaUrl', 'openDialog', 'pathForFile', 'platform', 'showInFolder']);
    expect(Object.keys(bridge.api).sort()).toEqual(['call', 'cancel', 'start', 'subscribe']);
    expect(bridge.platform).toEqual({ shell: 'electron', os: 'linux', mod: 'Ctrl' });
  });

  it('media by id on media://', () => {
    expect(bridge.mediaUrl('track', 12)).toBe('media://track/12');
    expect(bridge.mediaUrl('clip', '0f8fad5b-d9cb-469f-a165-70867728950e')).toBe('media://clip/0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(bridge.mediaUrl('track', '../x')).toBe('media://track/..%2Fx');
  });

  it('calls go out as contract messages on the engine channel; replies and events come back', async () => {
    sent.length = 0;
    const settings = bridge.api.call('settings.get');
    expect(sent).toEqual([[CHANNELS.engine, { kind: 'call', id: expect.any(Number), op: 'settings.get' }]]);
    const id = (sent[0][1] as { id: number }).id;
    deliver({ kind: 'reply', id, ok: true, value: { provider: 'auto', jobs: 2 } });
    await expect(settings).resolves.toEqual({ provider: 'auto', jobs: 2 });

    const events: EngineEvent[] = [];
    const off = bridge.api.subscribe((e) => events.push(e));
    deliver({ kind: 'event', event: { type: 'changed', what: 'tracks' } });
    off();
    deliver({ kind: 'event', event: { type: 'changed', what: 'models' } });
    expect(events).toEqual([{ type: 'changed', what: 'tracks' }]);
  });

  it('a failed call rejects with the error as plain data (the context bridge drops an Error’s fields)', async () => {
    sent.length = 0;
    const p = bridge.api.call('clip.open', { path: '/x/missing.mp4' });
    const id = (sent[0][1] as { id: number }).id;
    deliver({ kind: 'reply', id, ok: false, error: { code: 'bad-input', message: '/x/missing.mp4: no such file', file: '/x/missing.mp4' } });
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toEqual({ code: 'bad-input', message: '/x/missing.mp4: no such file', file: '/x/missing.mp4' });
    expect(err).not.toBeInstanceOf(Error);
  });

  it('dialogs, the file manager and dropped files go through their own channels', async () => {
    await expect(bridge.openDialog!({ kind: 'clip' })).resolves.toBe('/home/u/clip.mp4');
    await bridge.showInFolder!('/home/u/out.mp4');
    expect(invoked).toEqual([
      [CHANNELS.openDialog, { kind: 'clip' }],
      [CHANNELS.showInFolder, '/home/u/out.mp4'],
    ]);
    expect(bridge.pathForFile!({ name: 'clip.webm' } as File)).toBe('/dropped/clip.webm');
  });
});

describe('npm start', () => {
  const binary = electronBinary();
  it.runIf(!binary.found)('without Electron\'s binary: exits 1 saying what is missing and pointing to needledrop serve, with no stack', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-electron.ts', '--launch'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${missingElectronMessage((binary as { reason: string }).reason)}\n`);
    expect(r.stderr).toMatch(/^Cannot start the desktop app: Electron's binary/);
    expect(r.stderr).toContain('npx needledrop serve');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toBe('');
  });
});
