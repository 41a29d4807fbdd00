/**
 * Errors as data: what crosses every boundary (IPC, WebSocket, worker) instead of Error objects.
 * Codes are stable; each front writes its own hint (the CLI may say "--force", the app a button).
 */
export const ERROR_CODES = [
  /** The request does not match its schema (wrong type, unknown field, too large). */
  'invalid-request',
  /** No such operation. */
  'unknown-operation',
  /** A file is missing, unreadable, corrupt, or lacks what was asked of it. */
  'bad-input',
  /** The output exists and overwriting was not asked for. */
  'exists',
  /** The catalog has nothing to search yet, or not for this model version. */
  'not-indexed',
  /** A model version that is not installed, or not usable. */
  'no-model',
  /** A track, playlist or job that is not in the catalog. */
  'not-found',
  /** A path outside what this front may touch. */
  'forbidden-path',
  /** ffmpeg/ffprobe could not be found anywhere. */
  'no-ffmpeg',
  /** Another job holds what this one needs (e.g. the catalog is being indexed by another process). */
  'busy',
  'cancelled',
  /** The engine process died or the connection dropped while the call was in flight; it is being restarted or reconnected. */
  'engine-unavailable',
  /** The engine is down for good: its process died too many times in a row, or the app is quitting. Nothing reconnects. */
  'engine-stopped',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorData {
  code: ErrorCode;
  message: string;
  /** The file the error is about, when there is one. */
  file?: string;
  /** Extra, for a "details" disclosure: ffmpeg's own line, the schema issue's path, … */
  detail?: string;
}

/** An error carried as data, rebuilt on the caller's side. */
export class EngineError extends Error {
  readonly code: ErrorCode;
  readonly file?: string;
  readonly detail?: string;

  constructor(data: ErrorData) {
    super(data.message);
    this.name = 'EngineError';
    this.code = data.code;
    if (data.file !== undefined) this.file = data.file;
    if (data.detail !== undefined) this.detail = data.detail;
  }

  toData(): ErrorData {
    return {
      code: this.code,
      message: this.message,
      ...(this.file !== undefined ? { file: this.file } : {}),
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
    };
  }
}

export function isErrorData(x: unknown): x is ErrorData {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o.code === 'string' && (ERROR_CODES as readonly string[]).includes(o.code) && typeof o.message === 'string';
}
