/** `needledrop similar TRACK`: the tracks that sound most like one track. */
import { oneLine } from '../../electron/contract/wording';
import { bounds, num, parse, printJson } from './args';
import { openEngine } from './engine';
import { usageError } from './errors';
import { curatedLines } from './format';

export const usage = 'needledrop similar TRACK [--top K] [--db PATH] [--model V] [--json]   (TRACK: a catalogued path or a track id)';
export const example = 'needledrop similar ~/Music/calm.ogg --top 5';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    top: { type: 'string' },
    db: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length !== 1) throw usageError('give exactly one track (a catalogued path or a track id)');
  const top = num(values.top, 'top', bounds('similar', 'top')) ?? 10;
  const engine = openEngine({ db: values.db });
  try {
    const model = values.model ?? (await engine.call('models.list')).active;
    const results = await engine.call('similar', { track: positionals[0], top, model });
    if (values.json) printJson({ catalog: engine.ctx.catalogPath, model, track: positionals[0], results });
    else process.stdout.write([`tracks like ${oneLine(positionals[0])} (model ${model}):`, ...curatedLines(results)].join('\n') + '\n');
    return 0;
  } finally {
    await engine.close();
  }
}
