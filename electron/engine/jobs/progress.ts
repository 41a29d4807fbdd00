/**
 * Progress of a long job: count, rate and ETA. Showing it is each front's business (the CLI
 * draws a bar in scripts/cli/format.ts).
 */
export interface ProgressSnapshot {
  label: string;
  done: number;
  total: number;
  /** Items per minute since the start. */
  perMinute: number;
  /** Seconds left at the current rate, or null before the first item. */
  etaSeconds: number | null;
  elapsedSeconds: number;
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
    const rate = elapsed > 0 ? this.done / elapsed : 0;
    const left = Math.max(0, this.total - this.done);
    return {
      label: this.label,
      done: this.done,
      total: this.total,
      perMinute: rate * 60,
      etaSeconds: this.done > 0 && rate > 0 ? left / rate : null,
      elapsedSeconds: elapsed,
    };
  }
}
