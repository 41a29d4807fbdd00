/**
 * What a host gives the renderer as `window.needledrop`: Electron's preload implements it over
 * IPC; without it (the browser bridge, `needledrop serve`) the renderer builds the same object
 * over a WebSocket. No Node imports: the renderer and the preload both use this file.
 */
import type { EngineApi } from './api';

/** Media is always served by id, never by path: a catalog track, or a clip opened with `clip.open`. */
export type MediaKind = 'track' | 'clip';

export interface DialogFilter {
  name: string;
  extensions: string[];
}

export interface OpenDialogOptions {
  /** A clip to match, a music folder to add, or where to save an export / playlist. */
  kind: 'clip' | 'folder' | 'save';
  title?: string;
  defaultPath?: string;
  filters?: DialogFilter[];
}

export interface HostPlatform {
  /** 'browser' when the host is the WebSocket bridge. */
  shell: 'electron' | 'browser';
  /** process.platform in Electron; what the browser says otherwise. */
  os: string;
  /** Ctrl or ⌘ in shortcut labels. */
  mod: 'Ctrl' | '⌘';
}

export interface NeedledropBridge {
  /** The engine: in the preload, `createEngineClient` (contract/client.ts) over the IPC port to main. */
  api: EngineApi;
  /** A URL the renderer's <audio>/<video> can play, with Range support (Electron: media://<kind>/<id>; bridge: /media/<kind>/<id>?token=…). */
  mediaUrl(kind: MediaKind, id: string | number): string;
  platform: HostPlatform;
  /** A native dialog; resolves null when cancelled. Absent in the browser (paths are typed). */
  openDialog?(options: OpenDialogOptions): Promise<string | null>;
  /** Reveal a file in the system's file manager. Absent in the browser. */
  showInFolder?(path: string): Promise<void>;
  /** The path of a file dropped on the window (Electron's webUtils.getPathForFile); absent in the browser. */
  pathForFile?(file: File): string | null;
}

declare global {
  interface Window {
    needledrop?: NeedledropBridge;
  }
}
