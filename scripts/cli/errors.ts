/** The CLI's usage errors (exit 2 with the command's usage line) and its hints on the engine's errors. */
import { EngineError, type ErrorData } from '../../electron/contract/errors';

export function usageError(message: string): EngineError {
  return new EngineError({ code: 'invalid-request', message });
}

/**
 * The CLI's own words for what to do next, where the engine's message does not already say it:
 * the engine names no flags, but many of its messages end with their own advice ("…: index the
 * library with "v1" active", "(give a catalogued path or a track id)", "; pick another version
 * name"), and a second hint after those doubled or contradicted them. So each hint names the
 * messages it completes.
 */
const HINTS: Array<{ code: ErrorData['code']; when: RegExp; hint: string }> = [
  // export, fit and playlist --m3u outputs (train's "already exists …; pick another version name" has no --force).
  { code: 'exists', when: /: already exists$/, hint: 'pass --force to overwrite it' },
  // No catalog, or an empty one; not "no segments for this model" (the catalog is the right one there).
  { code: 'not-indexed', when: /: (no catalog here|the catalog has no tracks): index your music first$/, hint: 'with `needledrop index DIR`, or pass --db PATH for a catalog elsewhere' },
  // A track id that export/fit did not find; a playlist or clip id, or a curation ref (which says it), gets none.
  { code: 'not-found', when: /^track \S+ is not in the catalog$/, hint: 'give a path listed by `needledrop index` or a track id' },
  { code: 'no-model', when: /^no model version /, hint: 'see `needledrop models list`' },
  // A training run stopped with its checkpoint written: the same run (config and data) continues from it.
  { code: 'cancelled', when: /^training cancelled at step \d+ of \d+; its checkpoint is kept$/, hint: 'run the same command again to resume it' },
];

/**
 * A request the engine's schema refused names the operation and the request field ('train: "version"
 * must be …'), which after "needledrop train:" said the operation twice (review S12.6); the user typed a
 * flag. When the field is one of the command's flags (its usage line has it), the flag is named instead.
 */
function flagMessage(message: string, usage: string): string {
  const m = /^[\w.]+: "([A-Za-z]+)" (.*)$/s.exec(message);
  if (!m) return message;
  const flag = `--${m[1].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return new RegExp(`${flag}(?![\\w-])`).test(usage) ? `${flag} ${m[2]}` : message;
}

/** The one line the CLI prints for an engine error: its message (a refused field as the flag of `usage`), and a hint when one applies. */
export function errorLine(data: Pick<ErrorData, 'code' | 'message'>, usage = ''): string {
  const message = data.code === 'invalid-request' ? flagMessage(data.message, usage) : data.message;
  const hint = HINTS.find((h) => h.code === data.code && h.when.test(message))?.hint;
  return hint ? `${message} (${hint})` : message;
}
