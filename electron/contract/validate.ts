import * as v from 'valibot';
import { EngineError } from './errors';
import { isOperation, schemas, type OperationName, type ParsedRequest } from './operations';

/** Largest request accepted at a boundary, serialised (a long playlist of ids fits easily). */
export const MAX_REQUEST_BYTES = 256 * 1024;

/**
 * Check one request against its operation's schema. Refusals are EngineErrors with code
 * 'invalid-request' (or 'unknown-operation') naming the field and what is wrong.
 */
export function parseRequest<K extends OperationName>(op: K, req: unknown): ParsedRequest<K>;
export function parseRequest(op: unknown, req: unknown): unknown;
export function parseRequest(op: unknown, req: unknown): unknown {
  if (!isOperation(op)) {
    throw new EngineError({ code: 'unknown-operation', message: `unknown operation ${JSON.stringify(String(op).slice(0, 80))}` });
  }
  let size: number;
  try {
    size = JSON.stringify(req ?? null).length;
  } catch {
    throw new EngineError({ code: 'invalid-request', message: `${op}: the request is not plain data` });
  }
  if (size > MAX_REQUEST_BYTES) {
    throw new EngineError({ code: 'invalid-request', message: `${op}: the request is too large (${size} bytes, at most ${MAX_REQUEST_BYTES})` });
  }
  const result = v.safeParse(schemas[op], req);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const where = v.getDotPath(issue);
  // valibot quotes the offending value: a 200 kB string must not come back in the error.
  const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}… (${s.length} characters)` : s);
  throw new EngineError({
    code: 'invalid-request',
    message: clip(`${op}: ${where ? `"${where}" ` : ''}${issue.message}`, 300),
    detail: clip(result.issues.map((i) => `${v.getDotPath(i) ?? '(request)'}: ${clip(i.message, 200)}`).join('; '), 2000),
  });
}
