/**
 * Budgets as prefixes of one training run (round 6 of docs/eval-losses.md): the model a run of the
 * same schedule would have kept had it ended at step p is the best validation at or before p. The
 * trainer hands each validation's best-so-far to `onValidated`; this keeps, per prefix, the last
 * one at or before it, and turns it into the run's result as of that prefix.
 */
import type { TrainResult } from '../../electron/engine/train/trainer';
import type { BestValidation } from '../../electron/engine/train/validation';

/** The validation grid round4.ts trains with: every steps/8, at least every 10 steps. */
export const evalEveryFor = (steps: number): number => Math.max(10, Math.round(steps / 8));

/**
 * Prefixes must be on the validation grid of the one budget they cut (review F7): a prefix between
 * two validations would be labelled with a step it never validated at, and two budgets would
 * write the same prefix file.
 */
export function checkPrefixes(prefixes: number[], budgets: number[]): void {
  if (prefixes.length === 0) return;
  if (budgets.length !== 1) throw new Error(`--prefixes cut one run: give exactly one --steps budget (got ${budgets.join(', ')})`);
  const [steps] = budgets;
  const every = evalEveryFor(steps);
  for (const p of prefixes) {
    if (!Number.isInteger(p) || p <= 0 || p >= steps) throw new Error(`--prefixes: ${p} is not a whole number of steps below the budget ${steps}`);
    if (p % every !== 0) throw new Error(`--prefixes: ${p} is not on the validation grid of a ${steps}-step run (every ${every} steps)`);
  }
}

/** Collects what early stopping had kept by each prefix; pass `onValidated` to trainDualEncoder. */
export function prefixKeeper(prefixes: number[]): { onValidated: (step: number, best: Readonly<BestValidation>) => void; kept: Map<number, Readonly<BestValidation>> } {
  const kept = new Map<number, Readonly<BestValidation>>();
  return {
    kept,
    // Called after every validation in step order: the last call at or before p is p's.
    onValidated: (step, best) => {
      for (const p of prefixes) if (step <= p) kept.set(p, best);
    },
  };
}

/** The run as it stood at `budget`: its own result at its full length, else what was kept by that prefix. */
export function resultAt(result: TrainResult, kept: Map<number, Readonly<BestValidation>>, budget: number): TrainResult {
  if (budget === result.config.steps) return result;
  const best = kept.get(budget);
  if (!best?.weights) throw new Error(`no validation at or before step ${budget} (validation every ${result.config.evalEvery} steps)`);
  return { ...result, weights: best.weights, bestStep: best.step, bestValRecall10: best.recall };
}
