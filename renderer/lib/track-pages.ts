/**
 * The library table's rows, fetched a page at a time through `tracks.list` as they scroll into
 * view. A new query (search, sort) starts a new generation: answers for the old one are dropped.
 */
import type { EngineApi } from '../../electron/contract/api';
import type { TrackListItem, TrackSortKey } from '../../electron/contract/types';

export interface TrackQuery {
  search: string;
  sort: TrackSortKey;
  descending: boolean;
  /** Only the tracks under none of the library folders. */
  outside?: boolean;
}

/**
 * At most this many page requests wait on the engine at once: pages that scrolled past while
 * they waited are never asked for (each `tracks.list` costs the engine a pass over the catalog).
 */
export const MAX_IN_FLIGHT = 2;

export class TrackPages {
  readonly pageSize: number;
  private pages = new Map<number, TrackListItem[]>();
  /** Pages still shown but due for a refetch (the catalog changed under them). */
  private stale = new Set<number>();
  private inFlight = new Set<number>();
  /** Which query the pages belong to: answers for another are dropped. */
  private generation = 0;
  /** How many times the catalog changed: an answer asked for before the latest change stays stale. */
  private epoch = 0;
  private query: TrackQuery;
  /** Matching tracks (all pages), null until the first answer. */
  total: number | null = null;
  /** Tracks under none of the library folders in the whole catalog, from the latest answer. */
  outside = 0;

  constructor(
    private readonly api: Pick<EngineApi, 'call'>,
    query: TrackQuery,
    /** Called when rows or the total arrive. */
    private readonly onChange: () => void,
    pageSize = 500,
  ) {
    this.query = query;
    this.pageSize = pageSize;
  }

  setQuery(query: TrackQuery): void {
    this.query = query;
    this.reload();
  }

  /** Forget every page (a new query) and fetch again on demand. */
  reload(): void {
    this.generation += 1;
    this.pages.clear();
    this.stale.clear();
    this.inFlight.clear();
    this.total = null;
    this.onChange();
  }

  /** The catalog changed: keep showing the rows we have, refetch each page when it is next needed. */
  refresh(): void {
    // Requests in flight are kept (dropping them could starve the table when the engine is slow);
    // their answers land as stale pages and are asked again once.
    this.epoch += 1;
    this.stale = new Set(this.pages.keys());
    this.onChange();
  }

  row(index: number): TrackListItem | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Fetch the pages not yet here; errors go to `onError`. */
  ensure(pageIndices: number[], onError: (err: unknown) => void): void {
    for (const p of pageIndices) {
      if ((this.pages.has(p) && !this.stale.has(p)) || this.inFlight.has(p)) continue;
      if (this.inFlight.size >= MAX_IN_FLIGHT) break; // asked again when one answers (onChange)
      this.inFlight.add(p);
      const gen = this.generation;
      const epoch = this.epoch;
      const { search, sort, descending, outside } = this.query;
      this.api
        .call('tracks.list', { ...(search ? { search } : {}), ...(outside ? { outside } : {}), sort, descending, offset: p * this.pageSize, limit: this.pageSize })
        .then(
          (page) => {
            if (gen !== this.generation) return;
            this.inFlight.delete(p);
            if (epoch === this.epoch) this.stale.delete(p);
            else this.stale.add(p);
            this.pages.set(p, page.tracks);
            this.total = page.total;
            this.outside = page.outside;
            this.onChange();
          },
          (err: unknown) => {
            if (gen !== this.generation) return;
            this.inFlight.delete(p);
            onError(err);
          },
        );
    }
  }
}
