/**
 * The preload of the sandboxed renderer: exactly one object crosses into the page,
 * `window.needledrop` (the contract's NeedledropBridge), over a fixed set of channels
 * (channels.ts). Engine requests travel as the contract's wire messages; replies that fail
 * reject with the error as plain data ({code, message, file?, detail?}), because the context
 * bridge keeps no custom fields of an Error.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { EngineApi } from '../contract/api';
import type { NeedledropBridge } from '../contract/bridge';
import { createEngineClient } from '../contract/client';
import { EngineError } from '../contract/errors';
import type { ClientMessage, Port, ServerMessage } from '../contract/messages';
import { CHANNELS } from './channels';

const port: Port<ServerMessage, ClientMessage> = {
  send: (m) => ipcRenderer.send(CHANNELS.engine, m),
  onMessage(handler) {
    const h = (_e: Electron.IpcRendererEvent, m: ServerMessage): void => handler(m);
    ipcRenderer.on(CHANNELS.engine, h);
    return () => ipcRenderer.off(CHANNELS.engine, h);
  },
};
const client = createEngineClient(port);

const asData = (err: unknown): never => {
  throw err instanceof EngineError ? err.toData() : { code: 'internal', message: err instanceof Error ? err.message : String(err) };
};

const api: EngineApi = {
  call: (op, req) => client.call(op, req).catch(asData),
  start: (op, req) => client.start(op, req).catch(asData),
  cancel: (jobId) => client.cancel(jobId).catch(asData),
  subscribe: (listener) => client.subscribe(listener),
};

const mac = process.platform === 'darwin';

const bridge: NeedledropBridge = {
  api,
  mediaUrl: (kind, id) => `media://${kind}/${encodeURIComponent(String(id))}`,
  platform: { shell: 'electron', os: process.platform, mod: mac ? '⌘' : 'Ctrl' },
  openDialog: (options) => ipcRenderer.invoke(CHANNELS.openDialog, options) as Promise<string | null>,
  showInFolder: (path) => ipcRenderer.invoke(CHANNELS.showInFolder, path) as Promise<void>,
  pathForFile: (file) => webUtils.getPathForFile(file) || null,
};

contextBridge.exposeInMainWorld('needledrop', bridge);
