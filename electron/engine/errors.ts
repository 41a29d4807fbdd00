/**
 * Errors the engine raises on purpose. Fronts (CLI, Electron shell) map `kind` to their own
 * outcome: the CLI exits 1 for 'input' and 2 for 'usage' and prints only the message.
 * 'environment': the machine lacks something the engine needs (e.g. ffmpeg), not the
 * arguments' fault (so no usage text).
 */
export type ErrorKind = 'input' | 'usage' | 'cancelled' | 'internal' | 'environment';

/** Marks engine errors through the symbol registry, which every bundle of one thread shares. */
const BRAND = Symbol.for('needledrop.NeedledropError');

export class NeedledropError extends Error {
  /**
   * The built engine bundles a worker and the components it loads separately, each with its own
   * copy of this class: `instanceof` goes by the brand, so an input error thrown in one is still
   * an input error in the other (review R18: the built CLI reported every bad file as "internal error").
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== NeedledropError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }

  readonly kind: ErrorKind;
  /** The file the error is about, when there is one. */
  readonly file?: string;
  /** A stable machine-readable cause where one exists (e.g. 'no-ffmpeg', as the contract names it). */
  readonly code?: string;

  constructor(kind: ErrorKind, message: string, options: { file?: string; code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NeedledropError';
    Object.defineProperty(this, BRAND, { value: true });
    this.kind = kind;
    if (options.file !== undefined) this.file = options.file;
    if (options.code !== undefined) this.code = options.code;
  }
}

/** Bad input: a file that is missing, unreadable, corrupt or lacks what was asked of it. */
export function inputError(file: string, cause: string, original?: unknown): NeedledropError {
  return new NeedledropError('input', `${file}: ${cause}`, { file, cause: original });
}

export function usageError(message: string): NeedledropError {
  return new NeedledropError('usage', message);
}

export function cancelledError(what = 'operation'): NeedledropError {
  return new NeedledropError('cancelled', `${what} cancelled`);
}

export function isCancelled(err: unknown): boolean {
  return (
    (err instanceof NeedledropError && err.kind === 'cancelled') ||
    (err instanceof Error && err.name === 'AbortError')
  );
}

/**
 * Bad input with a stable code from the contract ('exists', 'not-indexed', 'no-model', …), so each
 * front can add its own hint (the CLI a flag, the app a button) instead of the engine naming one.
 */
export function codedError(code: string, file: string, cause: string, original?: unknown): NeedledropError {
  return new NeedledropError('input', `${file}: ${cause}`, { file, code, cause: original });
}
