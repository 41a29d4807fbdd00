/**
 * A playlist builder's work cut into rounds (review R2.10): each builder is a generator that yields
 * after a round (a pick, a pass of the order smoothing). Run straight through (runSteps) it is the
 * plain function; run paced (runPaced) the engine's job reports progress, stops on cancel and lets
 * other calls be answered between rounds, and the tracks are the same: only the pauses differ.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { cancelledError } from '../errors';

/** Where a build is. `total` 0: rounds until none improves the order, whose number is not known ahead. */
export interface BuildStep {
  /** 'pick': choosing the tracks (`done` of `total` placed); 'order': smoothing their order (round `done`). */
  phase: 'pick' | 'order';
  done: number;
  total: number;
}

/** A builder: it yields a step after each round and returns its result. */
export type Steps<T> = Generator<BuildStep, T, void>;

/** Run a builder to its end at once (the plain function). */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** How long a builder runs before the event loop gets a turn: other calls wait at most this and one round. */
export const SLICE_MS = 25;

/** How often a paced build tells where it is (the job table's own limit is 10 events a second). */
export const REPORT_MS = 100;

/**
 * Run a builder, giving the event loop a turn every `sliceMs` (SLICE_MS) of work. `onStep` hears the
 * first and last step of each phase and, every REPORT_MS, the step reached; a `signal` aborted
 * meanwhile stops the build with a cancelled error.
 */
export async function runPaced<T>(steps: Steps<T>, opts: { signal?: AbortSignal; onStep?: (step: BuildStep) => void; sliceMs?: number } = {}): Promise<T> {
  const sliceMs = opts.sliceMs ?? SLICE_MS;
  let phase: BuildStep['phase'] | null = null;
  let since = performance.now();
  let told = since;
  try {
    for (;;) {
      if (opts.signal?.aborted) throw cancelledError('building the playlist');
      const r = steps.next();
      if (r.done) return r.value;
      const now = performance.now();
      const last = r.value.total > 0 && r.value.done >= r.value.total;
      if (r.value.phase !== phase || last || now - told >= REPORT_MS) {
        phase = r.value.phase;
        told = now;
        opts.onStep?.(r.value);
      }
      if (now - since >= sliceMs) {
        await nextTurn();
        since = performance.now();
      }
    }
  } finally {
    // Stopped half-way (a cancel, an error): the builder is closed.
    steps.return(undefined as T);
  }
}
