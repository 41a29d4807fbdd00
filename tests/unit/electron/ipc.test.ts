/**
 * Main's IPC: every channel checks the sender frame first. ipcMain and the WebContents are fakes
 * (what Electron would hand the unit); the engine behind the channel is a real Engine on a
 * temporary data folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OpenDialogOptions } from '../../../electron/contract/bridge';
import type { ServerMessage } from '../../../electron/contract/messages';
import { contextFromEnv, Engine } from '../../../electron/engine/service/index';
import { registerIpc, type IpcEventLike, type IpcMainLike, type ShellServices } from '../../../electron/main/ipc';
import { APP_ENTRY } from '../../../electron/main/security';
import { CHANNELS } from '../../../electron/preload/channels';

type Listener = (event: IpcEventLike, ...args: unknown[]) => unknown;

class FakeIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, Listener>();
  readonly handlers = new Map<string, Listener>();
  on(channel: string, l: Listener): void {
    this.listeners.set(channel, l);
  }
  handle(channel: string, l: Listener): void {
    this.handlers.set(channel, l);
  }
  emit(channel: string, e: IpcEventLike, ...args: unknown[]): void {
    this.listeners.get(channel)?.(e, ...args);
  }
  async invoke(channel: string, e: IpcEventLike, ...args: unknown[]): Promise<unknown> {
    return this.handlers.get(channel)?.(e, ...args);
  }
}

class FakeContents {
  readonly sent: Array<[string, ServerMessage]> = [];
  private destroyed = false;
  private onDestroyed: (() => void) | null = null;
  constructor(readonly id: number) {}
  send(channel: string, m: unknown): void {
    this.sent.push([channel, m as ServerMessage]);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  once(_event: 'destroyed', l: () => void): void {
    this.onDestroyed = l;
  }
  destroy(): void {
    this.destroyed = true;
    this.onDestroyed?.();
  }
  /** The reply to request `id`, once it arrives. */
  async reply(id: number): Promise<ServerMessage> {
    await vi.waitFor(() => expect(this.sent.some(([, m]) => m.kind === 'reply' && m.id === id)).toBe(true));
    return this.sent.find(([, m]) => m.kind === 'reply' && m.id === id)![1];
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'nd-ipc-'));
const engine = new Engine(contextFromEnv({}, { dataDir, threads: 1 }));
afterAll(async () => {
  await engine.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const app = (id: number): IpcEventLike => ({ senderFrame: { url: APP_ENTRY, parent: null }, sender: { id } });
const UNTRUSTED: Array<[string, IpcEventLike['senderFrame']]> = [
  ['a foreign page', { url: 'https://evil.example/index.html', parent: null }],
  ['a file page', { url: 'file:///tmp/index.html', parent: null }],
  ['an iframe inside the app', { url: APP_ENTRY, parent: { url: APP_ENTRY } }],
  ['a look-alike host', { url: 'app://needledrop.evil/index.html', parent: null }],
  ['a frame that is gone', null],
];

let ipc: FakeIpcMain;
let shell: { openDialog: ReturnType<typeof vi.fn>; showInFolder: ReturnType<typeof vi.fn> };
let logged: string[];
let contents: FakeContents;

beforeEach(() => {
  ipc = new FakeIpcMain();
  shell = { openDialog: vi.fn(async () => '/home/u/clip.mp4'), showInFolder: vi.fn(async () => {}) };
  logged = [];
  contents = new FakeContents(1);
  registerIpc(ipc, engine, shell as unknown as ShellServices, (m) => logged.push(m)).attach(contents);
});

describe('engine channel', () => {
  it('an app page gets the engine: the request is answered on the same channel', async () => {
    ipc.emit(CHANNELS.engine, app(1), { kind: 'call', id: 1, op: 'settings.get' });
    const reply = await contents.reply(1);
    expect(contents.sent.map(([channel]) => channel)).toEqual([CHANNELS.engine]);
    expect(reply).toMatchObject({ kind: 'reply', id: 1, ok: true });
    expect((reply as { value: { jobs: number } }).value.jobs).toBeGreaterThan(0);
  });

  it('the engine validates what comes through: a bad request is an invalid-request reply', async () => {
    ipc.emit(CHANNELS.engine, app(1), { kind: 'call', id: 2, op: 'clip.open', req: { path: 42 } });
    expect(await contents.reply(2)).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it.each(UNTRUSTED)('%s gets nothing, and it is logged', async (_what, frame) => {
    ipc.emit(CHANNELS.engine, { senderFrame: frame, sender: { id: 1 } }, { kind: 'call', id: 3, op: 'settings.get' });
    // A trusted request after it is answered: had the untrusted one been served, its reply would be first.
    ipc.emit(CHANNELS.engine, app(1), { kind: 'call', id: 4, op: 'settings.get' });
    await contents.reply(4);
    expect(contents.sent.filter(([, m]) => m.kind === 'reply').map(([, m]) => (m as { id: number }).id)).toEqual([4]);
    expect(logged.join('\n')).toMatch(/refused: the sender .* is not an app page/);
  });

  it('replies go only to the window that asked, and stop when it is destroyed', async () => {
    ipc.emit(CHANNELS.engine, app(99), { kind: 'call', id: 5, op: 'settings.get' });
    contents.destroy();
    ipc.emit(CHANNELS.engine, app(1), { kind: 'call', id: 6, op: 'settings.get' });
    await new Promise((r) => setTimeout(r, 50));
    expect(contents.sent).toEqual([]);
  });
});

describe('shell channels', () => {
  const dialog: OpenDialogOptions = { kind: 'clip', title: 'Open a clip', filters: [{ name: 'Video', extensions: ['mp4', 'webm'] }] };

  it('an app page may open a dialog and reveal a file', async () => {
    await expect(ipc.invoke(CHANNELS.openDialog, app(1), dialog)).resolves.toBe('/home/u/clip.mp4');
    expect(shell.openDialog).toHaveBeenCalledWith(dialog, { id: 1 });
    await ipc.invoke(CHANNELS.showInFolder, app(1), '/home/u/out.mp4');
    expect(shell.showInFolder).toHaveBeenCalledWith('/home/u/out.mp4');
  });

  it.each(UNTRUSTED)('%s is refused before the dialog or the file manager', async (_what, frame) => {
    const e = { senderFrame: frame, sender: { id: 1 } };
    await expect(ipc.invoke(CHANNELS.openDialog, e, dialog)).rejects.toThrow(/is not an app page/);
    await expect(ipc.invoke(CHANNELS.showInFolder, e, '/home/u/out.mp4')).rejects.toThrow(/is not an app page/);
    expect(shell.openDialog).not.toHaveBeenCalled();
    expect(shell.showInFolder).not.toHaveBeenCalled();
  });

  it('malformed arguments are refused', async () => {
    for (const bad of [{ kind: 'anything' }, { kind: 'clip', defaultPath: 'relative/path' }, { kind: 'clip', extra: 1 }, { kind: 'clip', filters: [{ name: 'x', extensions: ['../..'] }] }, null]) {
      await expect(ipc.invoke(CHANNELS.openDialog, app(1), bad)).rejects.toThrow();
    }
    for (const bad of ['relative.mp4', '', '/a\0b', 42]) {
      await expect(ipc.invoke(CHANNELS.showInFolder, app(1), bad)).rejects.toThrow();
    }
    expect(shell.openDialog).not.toHaveBeenCalled();
    expect(shell.showInFolder).not.toHaveBeenCalled();
  });
});
