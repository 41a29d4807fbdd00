/** The CLI's usage errors (exit 2 with the command's usage line) and its hints on the engine's errors. */
import { EngineError, type ErrorData } from '../../electron/contract/errors';
import { oneLine } from '../../electron/contract/wording';

/**
 * The command line's own shape is wrong (an unknown option, a missing argument, a malformed number):
 * exit 2 with the usage line. Only the CLI raises it; a value the engine refuses (a name over its
 * length, a version name it does not take) is exit 1 like any other value (README, "Exit codes").
 */
export class UsageError extends EngineError {
  constructor(message: string) {
    super({ code: 'invalid-request', message });
    this.name = 'UsageError';
  }
}

export function usageError(message: string): EngineError {
  return new UsageError(message);
}

/** A value the user typed, quoted on one line; a long one by its first 40 characters. */
export function quotedValue(value: string): string {
  const chars = [...value];
  return `"${oneLine(chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value)}"`;
}

/** valibot's own words for a length refused ('Invalid length: Expected <=200 but received 250'), as the CLI says them. */
export function lengthWords(message: string): string {
  const m = /^Invalid length: Expected (<=|>=)(\d+) but received (\d+)$/.exec(message);
  if (!m) return message;
  if (m[1] === '>=' && m[2] === '1') return 'must not be empty';
  return `is ${m[3]} characters long: ${m[1] === '<=' ? 'at most' : 'at least'} ${m[2]}`;
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
  // Not when the shipped models folder is gone: the list would only say "no model versions installed".
  { code: 'no-model', when: /^no model version (?!.*\) is missing; reinstall Needledrop$)/, hint: 'see `needledrop models list`' },
  // A training run stopped with its checkpoint written: the same run (config and data) continues from it.
  { code: 'cancelled', when: /^training cancelled at step \d+ of \d+; its checkpoint is kept$/, hint: 'run the same command again to resume it' },
];

/** The value given to `--flag` in `argv` ('--flag V' or '--flag=V'), the last when it is given more than once. */
function flagValue(argv: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  argv.forEach((a, i) => {
    if (a === flag && i + 1 < argv.length) value = argv[i + 1];
    else if (a.startsWith(`${flag}=`)) value = a.slice(flag.length + 1);
  });
  return value;
}

/**
 * A request the engine's schema refused names the operation and the request field ('train: "version"
 * must be …'), which after "needledrop train:" said the operation twice (review S12.6); the user typed a
 * flag. When the field is one of the command's flags (its usage line has it), the flag is named instead,
 * with the value it was given when `argv` has it, and a length in words ('--name "…" is 250 characters
 * long: at most 200').
 */
function flagMessage(message: string, usage: string, argv: readonly string[]): string {
  const m = /^[\w.]+: "([A-Za-z]+)" (.*)$/s.exec(message);
  if (!m) return message;
  const flag = `--${m[1].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  if (!new RegExp(`${flag}(?![\\w-])`).test(usage)) return message;
  const value = flagValue(argv, flag);
  return `${flag}${value !== undefined ? ` ${quotedValue(value)}` : ''} ${lengthWords(m[2])}`;
}

/**
 * The one line the CLI prints for an engine error: its message (a refused field as the flag of `usage`,
 * with its value from `argv`), and a hint when one applies.
 */
export function errorLine(data: Pick<ErrorData, 'code' | 'message'>, usage = '', argv: readonly string[] = []): string {
  const message = data.code === 'invalid-request' ? flagMessage(data.message, usage, argv) : data.message;
  const hint = HINTS.find((h) => h.code === data.code && h.when.test(message))?.hint;
  return hint ? `${message} (${hint})` : message;
}
