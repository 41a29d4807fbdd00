/** The CLI's own usage errors (exit 2 with the command's usage line). */
import { EngineError } from '../../electron/contract/errors';

export function usageError(message: string): EngineError {
  return new EngineError({ code: 'invalid-request', message });
}
