/** Option values shared by several commands, checked against the contract's own lists. */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { EngineError } from '../../electron/contract/errors';
import { schemas } from '../../electron/contract/operations';
import { errnoWords, type Engine } from '../../electron/engine/service';
import { quotedValue, usageError } from './errors';

const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml'] as const;
export type Provider = (typeof PROVIDERS)[number];

export function providerOption(value: string): Provider {
  if (!(PROVIDERS as readonly string[]).includes(value)) throw usageError('--provider must be auto, cpu, cuda, dml or coreml');
  return value as Provider;
}

/**
 * Loss names checked against the engine's list before a run is started (review R4.5: an unknown one
 * failed the started job, its row recorded and its caches leased). A value refused: exit 1.
 */
export async function checkLossNames(engine: Engine, flag: string, names: readonly string[]): Promise<void> {
  const known = (await engine.call('losses.list')).map((l) => l.name);
  const unknown = names.find((n) => !known.includes(n));
  if (unknown !== undefined) throw new EngineError({ code: 'invalid-request', message: `${flag} ${quotedValue(unknown)} is not a loss: one of ${known.join(', ')}` });
}

/** A track named on the command line: a track id, or a path as given (the engine resolves it). */
export const trackRef = (s: string): string | number => (/^\d+$/.test(s) ? Number(s) : s);

/** What `--plan FILE` sends: the kept ranges and how the plan ends, as the contract's `plan`. */
export interface PlanOption {
  ranges: Array<{ sourceStart: number; sourceEnd: number; outputStart?: number }>;
  endMode?: 'ending' | 'phrase';
  tempoRatio?: number;
}

/**
 * An edited fit plan from a JSON file: the output of `fit --json` or `export --fit --json` (the
 * plan inside), or a bare `{ranges, endMode?, tempoRatio?}`. Only the shape is read here; the
 * engine checks the ranges against the track and the clip. A plan the contract refuses is an
 * error in the file (exit 1, naming it), not in the command line (review R2.14).
 */
export function readPlanFile(file: string): PlanOption {
  const bad = (cause: string) => new EngineError({ code: 'bad-input', message: `${file}: ${cause}`, file });
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw bad(e.code ? `cannot read the plan (${errnoWords(e)})` : `not JSON (${e.message})`);
  }
  const o = doc as { plan?: unknown; fit?: { plan?: unknown } } | null;
  const plan = (o?.fit?.plan ?? o?.plan ?? o) as { ranges?: unknown; endMode?: unknown; tempoRatio?: unknown } | null;
  if (!plan || typeof plan !== 'object' || !Array.isArray(plan.ranges)) throw bad('no fit plan in it (expected "ranges", or the output of fit --json)');
  const ranges = plan.ranges.map((r: unknown, i) => {
    const g = r as { sourceStart?: unknown; sourceEnd?: unknown; outputStart?: unknown };
    if (typeof g?.sourceStart !== 'number' || typeof g.sourceEnd !== 'number') throw bad(`range ${i + 1} needs numeric sourceStart and sourceEnd`);
    if (g.sourceEnd <= g.sourceStart) throw bad(`range ${i + 1} ends (${g.sourceEnd} s) ${g.sourceEnd === g.sourceStart ? 'where' : 'before'} it starts (${g.sourceStart} s)`);
    return { sourceStart: g.sourceStart, sourceEnd: g.sourceEnd, ...(typeof g.outputStart === 'number' ? { outputStart: g.outputStart } : {}) };
  });
  const option: PlanOption = {
    ranges,
    ...(plan.endMode === 'ending' || plan.endMode === 'phrase' ? { endMode: plan.endMode } : {}),
    ...(typeof plan.tempoRatio === 'number' ? { tempoRatio: plan.tempoRatio } : {}),
  };
  // Whatever else the contract refuses in a plan is the file's fault too: said here, naming it, not
  // as a usage error of the command line (review R2.14).
  const checked = v.safeParse(schemas.fit.entries.plan, option);
  if (!checked.success) {
    const issue = checked.issues[0];
    const where = (v.getDotPath(issue) ?? '').replace(/^ranges\.(\d+)\.?/, (_, n: string) => `range ${Number(n) + 1} `).trim();
    throw bad(`${where ? `${where}: ` : ''}${issue.message}`);
  }
  return option;
}
