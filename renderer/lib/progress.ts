/** What a job's progress line says about time. */
import type { ProgressEvent } from '../../electron/contract/types';
import { eta } from './format';

/** Seconds as "12 s", "3 min 5 s", "1 h 2 min". */
function span(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * The time left once the engine has a rate for the phase; until then the time the phase has run
 * ("12 s elapsed"), which is known, rather than a bare "estimating…" that can last minutes
 * (rendering a base benchmark).
 */
export function progressTime(p: Pick<ProgressEvent, 'eta' | 'elapsed'>): string {
  if (p.eta !== null && Number.isFinite(p.eta)) return eta(p.eta);
  return Number.isFinite(p.elapsed) ? `${span(p.elapsed)} elapsed` : eta(null);
}
