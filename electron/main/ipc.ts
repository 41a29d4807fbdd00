/**
 * Main's side of the preload's channels (electron/preload/channels.ts). Every message is checked
 * for its sender frame (the top frame of an app page) before anything else; messages from
 * anywhere else are dropped and logged. The engine channel serves the contract per window with
 * serveEngine (so requests are validated by the engine, errors travel as data); the dialog and
 * file-manager channels validate their arguments here.
 */
import { isAbsolute } from 'node:path';
import * as v from 'valibot';
import type { EngineApi } from '../contract/api';
import type { OpenDialogOptions } from '../contract/bridge';
import { MAX_PATH } from '../contract/operations';
import type { ServerMessage } from '../contract/messages';
import { serveEngine } from '../engine/service/index';
import { CHANNELS } from '../preload/channels';
import { isTrustedSender, type SenderFrame } from './security';

/** The parts of Electron's IpcMainEvent / IpcMainInvokeEvent used here. */
export interface IpcEventLike {
  senderFrame: SenderFrame | null;
  sender: { id: number };
}

/** The parts of Electron's ipcMain used here. */
export interface IpcMainLike {
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): unknown;
}

/** The parts of a WebContents used here. */
export interface WebContentsLike {
  id: number;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

/** The shell's own services behind the dialog and file-manager channels. */
export interface ShellServices {
  openDialog(options: OpenDialogOptions, sender: IpcEventLike['sender']): Promise<string | null>;
  showInFolder(path: string): Promise<void>;
}

const pathSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_PATH), v.check((s) => !s.includes('\0') && isAbsolute(s), 'must be an absolute path'));
const dialogSchema = v.strictObject({
  kind: v.picklist(['clip', 'folder', 'save']),
  title: v.optional(v.pipe(v.string(), v.maxLength(200))),
  defaultPath: v.optional(pathSchema),
  filters: v.optional(
    v.pipe(
      v.array(v.strictObject({ name: v.pipe(v.string(), v.maxLength(100)), extensions: v.pipe(v.array(v.pipe(v.string(), v.regex(/^(\*|[A-Za-z0-9]{1,10})$/))), v.maxLength(50)) })),
      v.maxLength(20),
    ),
  ),
});

export class RefusedSender extends Error {
  constructor(channel: string, url: string | undefined) {
    super(`IPC on ${channel} refused: the sender ${url ? JSON.stringify(url.slice(0, 200)) : '(gone)'} is not an app page`);
    this.name = 'RefusedSender';
  }
}

export interface ShellIpc {
  /** Serve the engine to a window's WebContents until it is destroyed. */
  attach(contents: WebContentsLike): void;
}

export function registerIpc(ipc: IpcMainLike, engine: EngineApi, shell: ShellServices, log: (message: string) => void = () => {}): ShellIpc {
  const handlers = new Map<number, (message: unknown) => void>();

  const trusted = (channel: string, e: IpcEventLike): boolean => {
    if (isTrustedSender(e.senderFrame)) return true;
    log(new RefusedSender(channel, e.senderFrame?.url).message);
    return false;
  };

  ipc.on(CHANNELS.engine, (e, message) => {
    if (!trusted(CHANNELS.engine, e)) return;
    handlers.get(e.sender.id)?.(message);
  });

  ipc.handle(CHANNELS.openDialog, (e, options) => {
    if (!trusted(CHANNELS.openDialog, e)) throw new RefusedSender(CHANNELS.openDialog, e.senderFrame?.url);
    return shell.openDialog(v.parse(dialogSchema, options), e.sender);
  });

  ipc.handle(CHANNELS.showInFolder, (e, path) => {
    if (!trusted(CHANNELS.showInFolder, e)) throw new RefusedSender(CHANNELS.showInFolder, e.senderFrame?.url);
    return shell.showInFolder(v.parse(pathSchema, path));
  });

  return {
    attach(contents) {
      const stop = serveEngine(engine, {
        send: (m: ServerMessage) => {
          if (!contents.isDestroyed()) contents.send(CHANNELS.engine, m);
        },
        onMessage(handler) {
          handlers.set(contents.id, handler);
          return () => handlers.delete(contents.id);
        },
      });
      contents.once('destroyed', stop);
    },
  };
}
