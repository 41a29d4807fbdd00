import { resolve } from 'node:path';
import { similar } from '../../electron/engine/app/curate';
import { curatedLines } from '../../electron/engine/app/format';
import { openLibrary } from '../../electron/engine/app/library';
import { usageError } from '../../electron/engine/errors';
import { catalogPath } from '../../electron/engine/paths';
import { num, parse, printJson } from './args';

export const usage = 'needledrop similar TRACK [--top K] [--db PATH] [--model V] [--json]   (TRACK: a catalogued path or a track id)';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    top: { type: 'string' },
    db: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw usageError('give exactly one track (a catalogued path or a track id)');
  const topK = num(values.top, 'top', { min: 1, int: true }) ?? 10;
  const dbPath = resolve(values.db ?? catalogPath());
  const library = await openLibrary(dbPath, values.model);
  try {
    const results = similar(library, positionals[0], Math.min(topK, library.store.trackCount - 1));
    if (values.json) printJson({ catalog: dbPath, model: library.version, track: positionals[0], results });
    else process.stdout.write([`tracks like ${positionals[0]} (model ${library.version}):`, ...curatedLines(results)].join('\n') + '\n');
    return 0;
  } finally {
    library.close();
  }
}
