/**
 * Requests from outside: ≥ 10,000 generated malformed messages and payloads for every contract
 * operation, sent as raw messages through the Engine's transport (a real MessageChannel, as the
 * renderer's bridge and the utilityProcess port carry them). Each must be answered (no hang), as
 * an error with a known code and a one-line message (no stack, no crash), before any work: no
 * job starts, no catalog or file is created, and the engine still answers afterwards. Seeded.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import * as v from 'valibot';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../electron/contract/errors';
import type { ServerMessage } from '../../../electron/contract/messages';
import { schemas, type OperationName } from '../../../electron/contract/operations';
import { messagePortAdapter, serveEngine } from '../../../electron/engine/host/serve';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { createRng, type Rng } from '../../../electron/engine/util/prng';

const PAYLOADS = 10_000;
const tmp = mkdtempSync(join(tmpdir(), 'nd-fuzz-'));
const dataDir = join(tmp, 'data');
const outside = join(tmp, 'outside');
let engine: Engine;
let stop: () => void;
let port: MessageChannel['port2'];
const replies = new Map<number, Extract<ServerMessage, { kind: 'reply' }>>();
/** Cancels of jobs that do not exist: answered ok (cancelling is idempotent), with nothing to cancel. */
const cancels = new Set<number>();
const waiters = new Map<number, () => void>();
let strays = 0;

beforeAll(() => {
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret.txt'), 'not for the engine');
  mkdirSync(join(tmp, 'library'));
  // A link out of the library, as a hostile path would use it.
  symlinkSync(join(outside, 'secret.txt'), join(tmp, 'library', 'escape.mp3'));
  engine = new Engine(contextFromEnv({}, { dataDir, threads: 1 }));
  const channel = new MessageChannel();
  stop = serveEngine(engine, messagePortAdapter<unknown, ServerMessage>(channel.port1));
  port = channel.port2;
  port.on('message', (m: ServerMessage) => {
    if (m.kind !== 'reply') return;
    if (m.id < 0) {
      strays++;
      return;
    }
    replies.set(m.id, m);
    waiters.get(m.id)?.();
  });
});

afterAll(async () => {
  stop?.();
  port?.close();
  await engine?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const TRAVERSALS = [
  '../../../../etc/passwd', '/etc/passwd', '%2e%2e/%2e%2e/etc/passwd', '..%2f..%2fetc%2fpasswd', '....//....//etc/passwd',
  '..\\..\\windows\\win.ini', 'C:\\Windows\\System32', 'file:///etc/passwd', '\\\\server\\share\\x.mp3', '~/.ssh/id_rsa',
];

/** A value of a random wrong or hostile kind. */
function hostile(rng: Rng, depth = 0): unknown {
  const pick = rng.int(24);
  switch (pick) {
    case 0: return undefined;
    case 1: return null;
    case 2: return rng.int(2) === 0;
    case 3: return [0, -1, -0, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MIN_VALUE][rng.int(8)];
    case 4: return [NaN, Infinity, -Infinity][rng.int(3)];
    case 5: return '';
    case 6: return 'x'.repeat(1 + rng.int(300_000)); // up to past MAX_REQUEST_BYTES
    case 7: return TRAVERSALS[rng.int(TRAVERSALS.length)];
    case 8: return join(outside, 'secret.txt');
    case 9: return join(tmp, 'library', 'escape.mp3');
    case 10: return `a\0b${rng.int(100)}`;
    case 11: return rng.int(3) === 0 ? new Array(100_001).fill(depth) : Array.from({ length: rng.int(5) }, () => (depth < 2 ? hostile(rng, depth + 1) : 1));
    case 12: return {};
    case 13: return { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } };
    case 14: return depth < 2 ? { [`k${rng.int(9)}`]: hostile(rng, depth + 1) } : {};
    case 15: return new Date(rng.int(1e12));
    case 16: return new Map([['path', '/etc/passwd']]);
    case 17: return new Uint8Array(rng.int(1000));
    case 18: return -1 - rng.int(1000);
    case 19: return String(rng.int(1000));
    case 20: return '\u202e\ud800 emoji 🎵 \n\r\t';
    case 21: { let o: unknown = 1; for (let i = 0; i < 200; i++) o = { a: o }; return o; }
    case 22: return 'all';
    default: return rng.next();
  }
}

/** The field names of an operation's request object (unwrapping an optional request). */
function fieldsOf(schema: unknown): string[] {
  let s = schema as { type: string; wrapped?: unknown; entries?: Record<string, unknown> };
  if (s.type === 'optional') s = s.wrapped as typeof s;
  return s.entries ? Object.keys(s.entries) : [];
}

const OPS = Object.keys(schemas) as OperationName[];

/** One malformed message: a broken envelope, an unknown operation, or a payload its schema refuses. */
function malformed(rng: Rng, id: number): { message: unknown; op?: OperationName } {
  const r = rng.next();
  if (r < 0.06) {
    const envelopes: unknown[] = [
      hostile(rng), { kind: 'call' }, { kind: 'call', id: String(id), op: 'engine.info' }, { kind: 'zap', id, op: 'engine.info' },
      { kind: 'call', id: 1.5, op: 'engine.info' }, { kind: 'cancel', id }, { kind: 'start', id, op: 42 }, [id, 'call'],
    ];
    return { message: envelopes[rng.int(envelopes.length)] };
  }
  if (r < 0.12) {
    const ops = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'engine.info ', 'ENGINE.INFO', '../match', 'x'.repeat(10_000)];
    return { message: { kind: rng.int(2) ? 'call' : 'start', id, op: ops[rng.int(ops.length)], req: hostile(rng) } };
  }
  if (r < 0.15) return { message: { kind: 'cancel', id, jobId: hostile(rng) === null ? 'no-such-job' : `job-${rng.int(99)}` } };
  const op = OPS[rng.int(OPS.length)];
  const fields = fieldsOf(schemas[op]);
  let req: unknown;
  const shape = rng.int(4);
  if (shape === 0 || fields.length === 0) req = rng.int(2) ? hostile(rng) : { [`unknown${rng.int(5)}`]: hostile(rng) };
  else {
    const o: Record<string, unknown> = {};
    for (const f of fields) if (rng.next() < 0.6) o[f] = hostile(rng);
    // An own "__proto__" key, as JSON.parse makes one (assignment would set the prototype instead).
    if (shape === 3) Object.defineProperty(o, ['evil', '__proto__', 'constructor', 'path2'][rng.int(4)], { value: hostile(rng), enumerable: true, writable: true, configurable: true });
    req = o;
  }
  return { message: { kind: rng.int(2) ? 'call' : 'start', id, op, req }, op };
}

let rawId = 900_000_000;
/** One well-formed call, answered through the same transport. */
function callRaw(op: string, req?: unknown): Promise<ServerMessage> {
  const id = rawId++;
  const answered = new Promise<ServerMessage>((r) => waiters.set(id, () => r(replies.get(id)!)));
  send({ kind: 'call', id, op, ...(req === undefined ? {} : { req }) });
  return answered;
}

function send(message: unknown): boolean {
  try {
    port.postMessage(message);
    return true;
  } catch {
    return false; // not cloneable (never reaches the engine)
  }
}

it(`answers ${PAYLOADS} malformed requests with clear errors, starts nothing, reads nothing outside`, { timeout: 600_000 }, async () => {
  const rng = createRng(1313);
  let sent = 0;
  let id = 1;
  let validSkipped = 0;
  const codes = new Map<string, number>();
  let longest = '';
  const batch: Array<Promise<void>> = [];
  while (sent < PAYLOADS) {
    const myId = id++;
    const { message, op } = malformed(rng, myId);
    const m = message as { req?: unknown };
    // Only payloads their schema refuses: an accidentally valid one would be a real request.
    // Judge the payload as the engine receives it: after the structured clone the port applies.
    let received: unknown;
    try {
      received = structuredClone(m.req);
    } catch {
      continue; // not cloneable: it never reaches the engine
    }
    const valid = !!op && v.safeParse(schemas[op], received).success;
    if (valid) {
      validSkipped++;
      continue;
    }
    const hasId = typeof (message as { id?: unknown })?.id === 'number' && Number.isSafeInteger((message as { id: number }).id);
    const answered = hasId ? new Promise<void>((r) => waiters.set((message as { id: number }).id, r)) : Promise.resolve();
    if ((message as { kind?: unknown })?.kind === 'cancel' && hasId) cancels.add((message as { id: number }).id);
    if (!send(message)) continue;
    sent++;
    batch.push(answered);
    if (batch.length >= 250) {
      await Promise.all(batch.splice(0));
    }
  }
  await Promise.all(batch);
  // Every reply is an error with a known code and one clean line.
  for (const reply of [...replies.values()]) {
    if (cancels.has(reply.id) && reply.ok) {
      expect(reply.value).toBeNull();
      continue;
    }
    expect(reply.ok, JSON.stringify(reply).slice(0, 300)).toBe(false);
    if (reply.ok) continue;
    codes.set(reply.error.code, (codes.get(reply.error.code) ?? 0) + 1);
    expect(ERROR_CODES).toContain(reply.error.code);
    expect(reply.error.message.length).toBeGreaterThan(3);
    if (reply.error.message.length > longest.length) longest = reply.error.message;
    expect(reply.error.message).not.toMatch(/\n\s+at |TypeError|ReferenceError|undefined is not|Cannot read prop/);
    expect(reply.error.code).not.toBe('internal');
  }
  expect(replies.size + strays).toBeGreaterThanOrEqual(sent - 200); // envelopes without a usable id answer with id -1
  console.log(`fuzz: longest error message ${longest.length} characters: ${longest.slice(0, 160)}…`);
  console.log(`fuzz: ${sent} malformed messages sent (${validSkipped} accidentally valid payloads skipped); replies ${replies.size}, id-less ${strays}; codes ${JSON.stringify(Object.fromEntries(codes))}`);

  // Nothing ran: no catalog, no job, nothing written, the secret untouched; and the engine still answers.
  expect(existsSync(join(dataDir, 'catalog.sqlite'))).toBe(false);
  expect(readdirSync(outside)).toEqual(['secret.txt']);
  expect(({}) as Record<string, unknown>).not.toHaveProperty('polluted');
  const info = await callRaw('engine.info');
  expect(info).toMatchObject({ ok: true });
  expect(await callRaw('jobs.list')).toMatchObject({ ok: true, value: [] });
});
