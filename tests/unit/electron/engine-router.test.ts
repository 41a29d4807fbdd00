/**
 * The app's router sends each job to its process (review R1.4: `finetune`, minutes of TF.js
 * training, went to the engine that serves Library and Match), and a version the training
 * process activated is made the main process's news: it is asked to activate that same version
 * (a no-op on the pointer there, which it follows as after an activation of its own).
 * Stand-in engines record what reaches them.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../electron/contract/types';
import type { JobOperation } from '../../../electron/contract/operations';
import { routeEngines, TRAINING_OPERATIONS, type RoutedEngine } from '../../../electron/main/engine-router';

function standIn(): RoutedEngine & { started: string[]; calls: Array<[string, unknown]>; emit: (e: EngineEvent) => void } {
  const listeners = new Set<(e: EngineEvent) => void>();
  const started: string[] = [];
  const calls: Array<[string, unknown]> = [];
  return {
    started,
    calls,
    emit: (e) => listeners.forEach((l) => l(e)),
    call: async (op, req) => {
      calls.push([op, req]);
      return undefined as never;
    },
    start: async (op) => {
      started.push(op);
      return { jobId: `${op}-1` };
    },
    cancel: async () => {},
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    owns: () => false,
  };
}

describe('engine router', () => {
  it('sends train, finetune, evaluate and corpus to the training process, the rest to main', async () => {
    const main = standIn();
    const training = standIn();
    const api = routeEngines(main, training);
    const ops: JobOperation[] = ['train', 'finetune', 'evaluate', 'corpus', 'library.scan', 'match', 'export', 'library.reembed'];
    for (const op of ops) await api.start(op, {} as never);
    expect(training.started).toEqual(['train', 'finetune', 'evaluate', 'corpus']);
    expect(main.started).toEqual(['library.scan', 'match', 'export', 'library.reembed']);
    expect(TRAINING_OPERATIONS).toContain('finetune');
  });

  it('a training job that activated its version: main is asked to activate that version; other endings ask nothing', async () => {
    const main = standIn();
    const training = standIn();
    routeEngines(main, training);
    training.emit({ type: 'job-end', jobId: 'training-job-1', state: 'done', result: { version: 'ft-1', activated: false } });
    training.emit({ type: 'job-end', jobId: 'training-job-2', state: 'failed', result: { version: 'ft-2', activated: true } });
    training.emit({ type: 'changed', what: 'models' });
    expect(main.calls).toEqual([]);
    training.emit({ type: 'job-end', jobId: 'training-job-3', state: 'done', result: { version: 'ft-3', activated: true } });
    expect(main.calls).toEqual([['models.activate', { version: 'ft-3' }]]);
    // Main's own jobs are not forwarded back to it.
    main.emit({ type: 'job-end', jobId: 'job-1', state: 'done', result: { version: 'x', activated: true } });
    expect(main.calls).toHaveLength(1);
  });
});
