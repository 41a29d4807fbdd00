import { resolve } from 'node:path';
import { isProviderRequest } from '../../electron/engine/encoders/providers';
import { usageError } from '../../electron/engine/errors';
import { formatClipMatch } from '../../electron/engine/app/format';
import { openExistingCatalog } from '../../electron/engine/app/library';
import { matchClip, openMatchSession, type ClipMatch } from '../../electron/engine/app/match';
import { catalogPath } from '../../electron/engine/paths';
import { num, parse, printJson } from './args';
import { eta, interruptSignal, statusLine } from './status';

export const usage =
  'needledrop match CLIP [CLIP…] [--start S] [--end S] [--top K] [--sections [--min-section S] [--allow-repeats]] ' +
  '[--db PATH] [--model V] [--provider auto|cpu|cuda|dml|coreml] [--json]';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    start: { type: 'string' },
    end: { type: 'string' },
    top: { type: 'string' },
    sections: { type: 'boolean', default: false },
    'min-section': { type: 'string' },
    'allow-repeats': { type: 'boolean', default: false },
    db: { type: 'string' },
    model: { type: 'string' },
    provider: { type: 'string', default: 'auto' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length === 0) throw usageError('give at least one clip');
  if (values.sections && positionals.length > 1) throw usageError('--sections splits one video: give exactly one clip');
  if (!values.sections && (values['allow-repeats'] || values['min-section'] !== undefined)) {
    throw usageError('--allow-repeats and --min-section only apply with --sections');
  }
  if (!isProviderRequest(values.provider)) throw usageError('--provider must be auto, cpu, cuda, dml or coreml');
  const start = num(values.start, 'start', { min: 0 });
  const end = num(values.end, 'end', { min: 0 });
  const topK = num(values.top, 'top', { min: 1, int: true }) ?? 10;
  const minSeconds = num(values['min-section'], 'min-section', { min: 1 });

  const dbPath = resolve(values.db ?? catalogPath());
  const signal = interruptSignal();
  const started = performance.now();
  const db = openExistingCatalog(dbPath);
  try {
    const session = await openMatchSession(db, { ...(values.model ? { version: values.model } : {}), provider: values.provider, catalogPath: dbPath });
    try {
      const { store } = session.library;
      process.stderr.write(
        `match: model ${session.version}, provider ${session.provider}; ${store.trackCount} tracks, ${store.segmentCount} segments` +
          `${session.library.missing ? ` (${session.library.missing} tracks without segments for this model: run needledrop index)` : ''}\n`,
      );
      const ann = statusLine('match');
      const clips: ClipMatch[] = [];
      for (const file of positionals) {
        const m = await matchClip(session, resolve(file), {
          range: { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) },
          topK,
          sections: values.sections ? (minSeconds !== undefined ? { minSeconds } : true) : false,
          allowRepeats: values['allow-repeats'],
          signal,
          onIndexProgress: (p) => ann.update(`indexing ${p.done}/${p.total} segments, ${Math.round(p.rate)}/s, ETA ${eta(p.etaSeconds)}`, p.done === p.total),
        });
        ann.done();
        clips.push(m);
        if (!values.json) process.stdout.write(formatClipMatch(m).join('\n') + '\n\n');
      }
      const elapsed = (performance.now() - started) / 1000;
      if (values.json) printJson({ catalog: dbPath, model: session.version, provider: session.provider, elapsedSeconds: Number(elapsed.toFixed(3)), clips });
      process.stderr.write(`match: ${clips.length} clip${clips.length === 1 ? '' : 's'} in ${elapsed.toFixed(1)} s (provider ${session.provider})\n`);
      return 0;
    } finally {
      await session.close();
    }
  } finally {
    db.close();
  }
}
