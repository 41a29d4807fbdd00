/**
 * Two engine processes behind one EngineApi: training (train, finetune, evaluate, corpus) runs in
 * its own process so matching, scanning and the screens stay responsive while a model trains. The
 * renderer sees one engine: events of both, jobs of both, cancel goes to the job's owner.
 */
import type { EngineApi } from '../contract/api';
import { EngineError } from '../contract/errors';
import type { JobOperation, QuickOperation, RequestOf, Results } from '../contract/operations';
import type { EngineEvent, JobInfo } from '../contract/types';

/** Both share the data folder: the models, the catalog (a fine-tune reads the Match feedback from it) and the checkpoints. */
export const TRAINING_OPERATIONS: readonly JobOperation[] = ['train', 'finetune', 'evaluate', 'corpus'];

/** What the router needs of each side (EngineHost has it). */
export interface RoutedEngine extends EngineApi {
  owns(jobId: string): boolean;
}

/** The version a training job's result says it activated (train and finetune with activate), or null. */
function activatedBy(e: EngineEvent): string | null {
  if (e.type !== 'job-end' || e.state !== 'done') return null;
  const r = e.result as { activated?: unknown; version?: unknown } | undefined;
  return r?.activated === true && typeof r.version === 'string' ? r.version : null;
}

export function routeEngines(main: RoutedEngine, training: RoutedEngine): EngineApi {
  const sideOf = (op: JobOperation): RoutedEngine => (TRAINING_OPERATIONS.includes(op) ? training : main);
  // A version the training process activated is the main process's news too: there Match and Library
  // read the active model, and an activation re-embeds the library for it (the training process
  // does not watch the library, so it never does). The version is already active: activating it
  // again changes no pointer and no history, it only makes main do what follows an activation.
  training.subscribe((e) => {
    const version = activatedBy(e);
    if (version) main.call('models.activate', { version }).catch(() => {});
  });
  return {
    async call<K extends QuickOperation>(op: K, req?: RequestOf<K>): Promise<Results[K]> {
      if (op !== 'jobs.list') return main.call(op, req);
      // The catalog's recorded jobs come from main; the training process adds only its live ones.
      const [a, b] = await Promise.all([main.call('jobs.list'), training.call('jobs.list').catch((): JobInfo[] => [])]);
      const seen = new Set(a.map((j) => j.id));
      return [...a, ...b.filter((j) => !seen.has(j.id))] as Results[K];
    },
    start: (op, req) => sideOf(op).start(op, req),
    async cancel(jobId) {
      if (training.owns(jobId)) return training.cancel(jobId);
      try {
        return await main.cancel(jobId);
      } catch (err) {
        // A training job that has just ended is owned by no one: the training process still knows its id.
        if (err instanceof EngineError && err.code === 'not-found') return training.cancel(jobId);
        throw err;
      }
    },
    subscribe(listener: (e: EngineEvent) => void) {
      const offs = [main.subscribe(listener), training.subscribe(listener)];
      return () => offs.forEach((off) => off());
    },
  };
}
