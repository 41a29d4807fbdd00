import type { EngineEvent } from '../../electron/contract/types';
import { openCatalog } from '../../electron/engine/catalog/db';
import { contextFromEnv, Engine } from '../../electron/engine/service';
import type { RoutedEngine } from '../../electron/main/engine-router';

/**
 * A real Engine over an empty catalog in `dataDir` (created), every event it emits collected in
 * `events`, closed after `body` whatever happens. `confined`: whether requests may only name
 * files the user opened (the app's rule) or any path (the CLI's).
 */
export async function withEngine<T>(dataDir: string, options: { confined: boolean }, body: (engine: Engine, events: EngineEvent[]) => Promise<T>): Promise<T> {
  const ctx = contextFromEnv({}, { dataDir, confined: options.confined });
  openCatalog(ctx.catalogPath).close();
  const engine = new Engine(ctx);
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  try {
    return await body(engine, events);
  } finally {
    await engine.close();
  }
}

/** An engine as one side of the app's router, as EngineHost is one: it owns the jobs it started until they end. */
export function routedSide(engine: Engine, events: EngineEvent[]): RoutedEngine {
  return {
    call: (op, req) => engine.call(op, req),
    start: (op, req) => engine.start(op, req),
    cancel: (id) => engine.cancel(id),
    subscribe: (l) => engine.subscribe(l),
    owns: (id) => events.some((e) => e.type === 'progress' && e.jobId === id) && !events.some((e) => e.type === 'job-end' && e.jobId === id),
  };
}
