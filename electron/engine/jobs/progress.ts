/**
 * Progress of a long job: count, rate and ETA, and how to show them (a bar on a terminal,
 * plain lines elsewhere). Pure: the caller decides where the text goes.
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

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function stats(p: ProgressSnapshot): string {
  return `${p.done}/${p.total} ${p.perMinute.toFixed(1)}/min ETA ${formatDuration(p.etaSeconds)}`;
}

/** One terminal line (to be written after a carriage return), at most `width` characters. */
export function formatProgressBar(p: ProgressSnapshot, width = 80): string {
  const tail = ` ${stats(p)}`;
  const head = `${p.label} `;
  const barWidth = Math.max(10, width - head.length - tail.length - 2);
  const filled = p.total > 0 ? Math.min(barWidth, Math.round((p.done / p.total) * barWidth)) : 0;
  return `${head}[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}]${tail}`.slice(0, width);
}

/** A log line for non-terminals, optionally naming the item just finished. */
export function formatProgressLine(p: ProgressSnapshot, item?: string): string {
  return `${p.label}: ${stats(p)}${item ? ` ${item}` : ''}`;
}
