/** Paths from the host: a native dialog in Electron; in the browser the caller's text field is the fallback. */
import type { OpenDialogOptions } from '../../electron/contract/bridge';
import { host } from './api';

export const hasDialogs = (): boolean => typeof host.openDialog === 'function';

export async function askPath(options: OpenDialogOptions): Promise<string | null> {
  return host.openDialog ? host.openDialog(options) : null;
}

/**
 * The path of what was dropped: Electron gives the file's path; a browser only gives paths
 * carried as text (a file:// URI or a typed path dragged from another window).
 */
export function droppedPath(dt: DataTransfer | null): string | null {
  if (!dt) return null;
  const file = dt.files?.[0];
  if (file && host.pathForFile) {
    const p = host.pathForFile(file);
    if (p) return p;
  }
  const text = (dt.getData('text/uri-list') || dt.getData('text/plain') || '').split(/\r?\n/).find((l) => l.trim() && !l.startsWith('#'));
  if (!text) return null;
  const t = text.trim();
  if (t.startsWith('file://')) return decodeURIComponent(new URL(t).pathname);
  return t.startsWith('/') || /^[A-Za-z]:[\\/]/.test(t) ? t : null;
}
