/**
 * Which tracks the builders may place, and which tracks are copies of one another. The app fills
 * it from the catalog (app/curate.ts: near-silent tracks and later copies by path are not offered;
 * copies share files.hash); the builders only read it, slot by slot of their space.
 */
import type { TrackId } from '../search/types';
import type { PlaylistSpace } from './space';

export interface TrackPool {
  /** Whether a track may be placed in a list or answered by `similar`. */
  offered(id: TrackId): boolean;
  /** Tracks with the same key hold the same content: one stands for all of them (a seed's copies are the seed). */
  content(id: TrackId): string;
}

/** Every track offered, each its own content (a space without a catalog behind it, e.g. in tests). */
export const EVERY_TRACK: TrackPool = { offered: () => true, content: (id) => `#${id}` };

/** A pool read out per slot of one space. */
export interface SlotPool {
  /** 1 where the slot's track may be placed. */
  offered: Uint8Array;
  /** The content key of each slot's track. */
  content: string[];
}

export function slotPool(store: PlaylistSpace, pool: TrackPool): SlotPool {
  const offered = new Uint8Array(store.trackCount);
  const content: string[] = new Array<string>(store.trackCount);
  for (let s = 0; s < store.trackCount; s++) {
    const id = store.idAt(s);
    offered[s] = pool.offered(id) ? 1 : 0;
    content[s] = pool.content(id);
  }
  return { offered, content };
}

/**
 * Slots a builder may pick: offered, and holding none of the contents of `taken` (the seeds, a
 * path's ends, a `similar` query), so a copy of one never stands in for it or beside it.
 */
export function candidates(pool: SlotPool, taken: readonly number[]): Uint8Array {
  const contents = new Set(taken.map((s) => pool.content[s]));
  return pool.offered.map((o, s) => (o && !contents.has(pool.content[s]) ? 1 : 0));
}

/** How many slots are set. */
export const countSet = (mask: Uint8Array): number => mask.reduce((n, x) => n + x, 0);
