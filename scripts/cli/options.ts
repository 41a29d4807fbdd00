/** Option values shared by several commands, checked against the contract's own lists. */
import { usageError } from './errors';

const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml'] as const;
export type Provider = (typeof PROVIDERS)[number];

export function providerOption(value: string): Provider {
  if (!(PROVIDERS as readonly string[]).includes(value)) throw usageError('--provider must be auto, cpu, cuda, dml or coreml');
  return value as Provider;
}

/** A track named on the command line: a track id, or a path as given (the engine resolves it). */
export const trackRef = (s: string): string | number => (/^\d+$/.test(s) ? Number(s) : s);
