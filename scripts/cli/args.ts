import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as v from 'valibot';
import { schemas, type OperationName } from '../../electron/contract/operations';
import { lengthWords, quotedValue, usageError } from './errors';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs refuses a value that looks like an option ("--loudness -14", "--jobs -1") with its
 * own "ambiguous" text: join a valued option and a following negative number with "=", so the
 * number reaches `num` and gets the CLI's words.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const next = argv[i + 1];
    const opt = argv[i].startsWith('--') ? options[argv[i].slice(2)] : undefined;
    if (opt?.type === 'string' && next !== undefined && /^-\.?\d/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else out.push(argv[i]);
  }
  return out;
}

/** node:util parseArgs, with its errors turned into usage errors (exit 2). */
export function parse<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals, strict: true });
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err));
  }
}

export interface NumberBounds {
  min?: number;
  max?: number;
  int?: boolean;
  /** Printed after a limit: 's' (then also in days, hours or minutes when that is whole) or e.g. 'LUFS'. */
  unit?: string;
}

interface SchemaNode {
  type?: string;
  kind?: string;
  requirement?: unknown;
  wrapped?: SchemaNode;
  entries?: Record<string, SchemaNode>;
  pipe?: SchemaNode[];
}

type Entries<S> = S extends { entries: infer E } ? E : S extends { wrapped: { entries: infer E } } ? E : never;

/**
 * A numeric field's limits as the operation's request schema states them, so the CLI refuses what
 * the engine would, in its own words ("--offset must be at most 604800 s (7 days)") instead of
 * the schema's ('export: "offset" Invalid value: Expected <=604800 but received 1000000000').
 */
export function bounds<K extends OperationName>(op: K, field: keyof Entries<(typeof schemas)[K]> & string, unit?: string): NumberBounds {
  const node = fieldSchema(op, field);
  const out: NumberBounds = unit ? { unit } : {};
  const visit = (s: SchemaNode): void => {
    for (const item of s.pipe ?? []) {
      if (item.kind === 'schema' && item !== s) visit(item);
      else if (item.type === 'integer') out.int = true;
      else if (item.type === 'min_value' && typeof item.requirement === 'number') out.min = Math.max(out.min ?? -Infinity, item.requirement);
      else if (item.type === 'max_value' && typeof item.requirement === 'number') out.max = Math.min(out.max ?? Infinity, item.requirement);
    }
  };
  visit(node);
  return out;
}

/** A request field's own schema (optional and nullable unwrapped). */
function fieldSchema(op: OperationName, field: string): SchemaNode {
  const unwrap = (s: SchemaNode | undefined): SchemaNode | undefined => (s?.type === 'optional' || s?.type === 'nullable' ? unwrap(s.wrapped) : s);
  const root = unwrap(schemas[op] as SchemaNode);
  const node = unwrap(root?.entries?.[field]);
  if (!node) throw new Error(`no field "${field}" in the ${op} request schema`);
  return node;
}

/**
 * What the engine will refuse in a text the user typed for a request field (a version name, a playlist
 * name), as the value quoted and the rule ('"../evil" must be letters, …', '"aaaa…" is 250 characters
 * long: at most 200'), or undefined when it takes it. For a positional value, which the engine's refusal
 * cannot name: the caller says what the value is (exit 1, a value and not the command line's shape).
 */
export function textProblem<K extends OperationName>(op: K, field: keyof Entries<(typeof schemas)[K]> & string, value: string): string | undefined {
  const r = v.safeParse(fieldSchema(op, field) as unknown as v.GenericSchema, value);
  return r.success ? undefined : `${quotedValue(value)} ${lengthWords(r.issues[0].message)}`;
}

/** "604800 s (7 days)": a limit with its unit, and seconds also in the largest whole unit. */
function limitText(n: number, unit: string | undefined): string {
  if (!unit) return String(n);
  if (unit !== 's') return `${n} ${unit}`;
  const whole = [
    [86_400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ] as const;
  const [size, name] = whole.find(([size]) => n >= 2 * size && n % size === 0) ?? [0, ''];
  return size ? `${n} s (${n / size} ${name}s)` : `${n} s`;
}

/** Plain decimal notation only: Number() also takes '' (0), ' ', '0x10' (16), '0b1', 'Infinity'. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A number from an option value, within its bounds, or a usage error naming the option. */
export function num(value: string | undefined, name: string, opts: NumberBounds = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = DECIMAL.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || (opts.min !== undefined && n < opts.min)) {
    throw usageError(`--${name} expects ${opts.int ? 'an integer' : 'a number'}${opts.min !== undefined ? ` ≥ ${limitText(opts.min, opts.unit)}` : ''}, got "${value}"`);
  }
  if (opts.max !== undefined && n > opts.max) throw usageError(`--${name} must be at most ${limitText(opts.max, opts.unit)}, got ${value}`);
  return n;
}

/** Write one JSON document to stdout. */
export function printJson(doc: unknown): void {
  process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
}
