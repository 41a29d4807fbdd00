/**
 * After a CLI command makes a model version active (`models activate`/`rollback`, `train --activate`):
 * give the catalog's tracks segments under it from their stored features, so `match` can use it at
 * once (review S7). The app's engine does this by itself; a one-shot CLI engine does it here.
 */
import { EngineError } from '../../electron/contract/errors';
import type { Results } from '../../electron/contract/operations';
import type { Engine } from '../../electron/engine/service';
import { progressPrinter, runCliJob } from './engine';

export type Reembedded = Results['library.reembed'];

/** No catalog yet: nothing to embed (null). A cancelled run keeps the tracks done; running it again finishes them. */
export async function reembedCatalog(engine: Engine, version: string): Promise<Reembedded | null> {
  try {
    // Nothing to embed (a rollback, a version already embedded) prints no '0/0' line (second review T4).
    const printer = progressPrinter();
    try {
      return await runCliJob(engine, 'library.reembed', { model: version }, { label: 're-embedding', onProgress: (p) => p.total > 0 && printer.show(p) });
    } finally {
      printer.end();
    }
  } catch (err) {
    if (err instanceof EngineError && err.code === 'not-indexed') return null;
    throw err;
  }
}

export const reembedText = (r: Reembedded | null): string =>
  r === null
    ? ''
    : r.embedded > 0
      ? `re-embedded ${r.embedded} track${r.embedded === 1 ? '' : 's'} for ${r.model} from their stored features (${r.tracks} ready)\n`
      : `the library's ${r.tracks} track${r.tracks === 1 ? ' is' : 's are'} already embedded for ${r.model}\n`;
