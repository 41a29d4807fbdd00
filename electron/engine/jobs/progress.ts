import type { ProgressEvent } from '../../contract/types';

/**
 * Progress of a long job: count, rate and ETA. Showing it is each front's business (the CLI
 * draws a bar in scripts/cli/format.ts).
 */
export interface ProgressSnapshot {
  label: string;
  done: number;
  total: number;
  /** Items per minute since the start; 0 until the rate means something (meaningfulRate). */
  perMinute: number;
  /** Seconds left at the current rate (0 when all are done), or null while the rate is unknown. */
  etaSeconds: number | null;
  elapsedSeconds: number;
}

/**
 * A rate from fewer items, or a shorter time, than these is noise: one file's time (with the
 * workers' start-up in it) says little of the next's, and 8 hashes in 10 ms are not 48,000 a
 * minute. Until both are reached a front shows the count and the time elapsed, not a rate or ETA.
 */
export const RATE_MIN_ITEMS = 3;
export const RATE_MIN_SECONDS = 2;

/** Items per second from `items` done in `seconds`, or null while that says nothing yet. */
export function meaningfulRate(items: number, seconds: number): number | null {
  return items >= RATE_MIN_ITEMS && seconds >= RATE_MIN_SECONDS ? items / seconds : null;
}

export class ProgressMeter {
  private readonly t0: number;
  done = 0;

  constructor(
    readonly label: string,
    public total: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.t0 = now();
  }

  tick(n = 1): ProgressSnapshot {
    this.done += n;
    return this.snapshot();
  }

  snapshot(): ProgressSnapshot {
    const elapsed = (this.now() - this.t0) / 1000;
    const rate = meaningfulRate(this.done, elapsed);
    const left = Math.max(0, this.total - this.done);
    return {
      label: this.label,
      done: this.done,
      total: this.total,
      perMinute: (rate ?? 0) * 60,
      etaSeconds: left === 0 ? 0 : rate !== null ? left / rate : null,
      elapsedSeconds: elapsed,
    };
  }
}

/** One progress report timed within its phase (a ProgressEvent's counts), and whether it began its phase. */
export type PhaseCounts = Pick<ProgressEvent, 'phase' | 'done' | 'total' | 'rate' | 'eta' | 'elapsed'> & { newPhase: boolean };

/**
 * The clock of a job's phases, for reports of (phase, done, total) as they come: the engine's job
 * table times its progress events with it, and the command-line scripts that run a workflow
 * outside the engine's jobs (scripts/cli/status.ts phaseStatus) time their status lines the same
 * way. A phase whose first report already counts items done began when the one before it was
 * reported (or the clock started), not at that report.
 */
export class PhaseClock {
  private phase: string | null = null;
  private phaseStart: number;
  private lastCall: number;

  constructor(private readonly now: () => number = () => performance.now(), start = now()) {
    this.phaseStart = start;
    this.lastCall = start;
  }

  /** `t`: when it was reported, on the clock's `now` (default: now). */
  report(phase: string, done: number, total: number, t = this.now()): PhaseCounts {
    const newPhase = phase !== this.phase;
    if (newPhase) {
      this.phase = phase;
      this.phaseStart = done > 0 ? this.lastCall : t;
    }
    this.lastCall = t;
    const elapsed = (t - this.phaseStart) / 1000;
    // No rate or ETA from a sample too small to mean one; the count and the time elapsed say what is known.
    const rate = meaningfulRate(done, elapsed);
    return { phase, done, total, rate: rate ?? 0, eta: done >= total ? 0 : rate !== null ? (total - done) / rate : null, elapsed, newPhase };
  }
}
