/** Engine errors → errors as data (the contract's codes), for every transport and front. */
import { ERROR_CODES, EngineError, type ErrorCode, type ErrorData } from '../../contract/errors';
import { isCancelled, NeedledropError } from '../errors';

const KIND_CODES: Record<NeedledropError['kind'], ErrorCode> = {
  input: 'bad-input',
  usage: 'invalid-request',
  cancelled: 'cancelled',
  internal: 'internal',
  environment: 'no-ffmpeg',
};

export function toErrorData(err: unknown): ErrorData {
  if (err instanceof EngineError) return err.toData();
  if (err instanceof NeedledropError) {
    return {
      code: err.code !== undefined && (ERROR_CODES as readonly string[]).includes(err.code) ? (err.code as ErrorCode) : KIND_CODES[err.kind],
      message: err.message,
      ...(err.file !== undefined ? { file: err.file } : {}),
      ...(err.cause instanceof Error ? { detail: err.cause.message } : {}),
    };
  }
  if (isCancelled(err)) return { code: 'cancelled', message: 'cancelled' };
  const e = err instanceof Error ? err : new Error(String(err));
  return { code: 'internal', message: `internal error: ${e.message}`, ...(e.stack ? { detail: e.stack } : {}) };
}

export const notFound = (message: string): EngineError => new EngineError({ code: 'not-found', message });
