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
