import type { EngineEvent } from '../../electron/contract/types';
import { openCatalog } from '../../electron/engine/catalog/db';
import { contextFromEnv, Engine } from '../../electron/engine/service';

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
