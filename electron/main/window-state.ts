/**
 * The window's size, position and maximised state, remembered in the user data folder
 * (window-state.json). A missing or damaged file, or a position on a screen that is no longer
 * attached, falls back to the default 1280×800, centred.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW: WindowState = { width: 1280, height: 800, maximized: false };
export const MIN_WIDTH = 900;
export const MIN_HEIGHT = 560;

const int = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);

export function loadWindowState(file: string): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_WINDOW };
  }
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_WINDOW };
  const s = raw as Record<string, unknown>;
  if (!int(s.width) || !int(s.height)) return { ...DEFAULT_WINDOW };
  return {
    ...(int(s.x) && int(s.y) ? { x: s.x, y: s.y } : {}),
    width: Math.min(Math.max(s.width, MIN_WIDTH), 16_384),
    height: Math.min(Math.max(s.height, MIN_HEIGHT), 16_384),
    maximized: s.maximized === true,
  };
}

/** Written to a temporary file and renamed: a crash mid-write leaves the old state. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

/** Drop the position when the window's title bar would not be on any attached screen's work area. */
export function placeOnScreen(state: WindowState, workAreas: Rect[]): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const { x, y } = state;
  // The title bar's top strip must be reachable to move the window.
  const visible = workAreas.some((a) => x + state.width > a.x + 40 && x < a.x + a.width - 40 && y >= a.y && y < a.y + a.height - 40);
  if (visible) return state;
  const { x: _x, y: _y, ...rest } = state;
  return rest;
}
