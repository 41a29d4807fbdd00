/**
 * Analysed tracks kept between calls: the app fits a track, then re-plans it at every splice the
 * user moves and renders it on export; analysing it again (seconds) each time would make a
 * drag wait. Keyed by path, size and modification time, so an edited file is analysed afresh.
 */
import { stat } from 'node:fs/promises';
import { analyseTrack, type KnownBeats } from './analyse';
import { SpliceScorer } from './splices';
import type { TrackGrid } from './types';

export class AnalysedTrack {
  private scorerCache: SpliceScorer | null = null;
  constructor(readonly grid: TrackGrid) {}
  /** Built on first use (n² beat distances). */
  get scorer(): SpliceScorer {
    this.scorerCache ??= new SpliceScorer(this.grid);
    return this.scorerCache;
  }
}

export async function analyse(file: string, opts: { known?: KnownBeats; signal?: AbortSignal } = {}): Promise<AnalysedTrack> {
  return new AnalysedTrack(await analyseTrack(file, opts));
}

export class GridCache {
  private readonly entries = new Map<string, Promise<AnalysedTrack>>();
  constructor(private readonly capacity = 4) {}

  async get(file: string, opts: { known?: KnownBeats; signal?: AbortSignal } = {}): Promise<AnalysedTrack> {
    const s = await stat(file);
    const key = `${file}\0${s.size}\0${s.mtimeMs}`;
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else {
      entry = analyse(file, opts);
      // A failed or cancelled analysis is not kept.
      entry.catch(() => this.entries.delete(key));
    }
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }
}
