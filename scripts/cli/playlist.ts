/** `needledrop playlist …`: more like these, a mood path, an energy curve; saved in the catalog, optionally as M3U8. */
import { resolve } from 'node:path';
import type { RequestOf } from '../../electron/contract/operations';
import type { ProgressEvent } from '../../electron/contract/types';
import { oneLine, phaseName, shortPlaylistNote } from '../../electron/contract/wording';
import { EngineError } from '../../electron/contract/errors';
import { checkPlaylistFile, parseEnergyLevels } from '../../electron/engine/service';
import { bounds, num, parse, printJson } from './args';
import { openEngine, progressPrinter, runCliJob } from './engine';
import { quotedValue, usageError } from './errors';
import { curatedLines, formatProgressBar, formatProgressLine } from './format';
import { SAVED_OPTIONS, savedAction, shownName } from './playlists';

export const usage =
  'needledrop playlist (--seed A [--seed B…] | --from A --to B | --energy "low,mid,high,mid,low") --length N ' +
  '[--m3u OUT.m3u8 [--force]] [--name NAME] [--no-save] [--db PATH] [--model V] [--json]  |  ' +
  'needledrop playlist --list | --show ID|NAME [--m3u OUT.m3u8 [--force]] | --delete ID|NAME [--yes] | --rename ID|NAME NEW_NAME  [--db PATH] [--json]';
export const example = 'needledrop playlist --from calm.ogg --to party.mp3 --length 12 --m3u trip.m3u8';

type Build = RequestOf<'playlist.build'>;

/** Exactly one of the three ways to ask for a playlist. */
function request(values: { seed?: string[]; from?: string; to?: string; energy?: string }, length: number, name?: string): Build {
  const asked = [values.seed?.length ? 'seed' : '', values.from !== undefined || values.to !== undefined ? 'path' : '', values.energy !== undefined ? 'energy' : ''].filter(Boolean);
  if (asked.length !== 1) throw usageError('give exactly one of --seed …, --from A --to B, or --energy CURVE');
  const common = { length, ...(name ? { name } : {}) };
  if (values.seed?.length) return { kind: 'more-like', seeds: values.seed, ...common };
  if (values.energy !== undefined) {
    // Said in the CLI's words: the engine's 'playlist.build: energy needs "curve"' names a field no user typed (review R2.4).
    if (!values.energy.trim()) throw usageError('--energy needs a curve, e.g. "low,mid,high"');
    // A word the engine does not know is said before the build reads the library's vectors (review R4.5): a value refused, exit 1.
    try {
      parseEnergyLevels(values.energy);
    } catch (err) {
      throw new EngineError({ code: 'invalid-request', message: `--energy ${quotedValue(values.energy)}: ${(err as Error).message}` });
    }
    return { kind: 'energy', curve: values.energy, ...common };
  }
  if (values.from === undefined || values.to === undefined) throw usageError('a mood path needs both --from and --to');
  return { kind: 'mood-path', from: values.from, to: values.to, ...common };
}

/** A build shorter than this says nothing on stderr (most take milliseconds); a longer one shows where it is. */
const QUIET_MS = 1000;

/** Progress on stderr once the build has run QUIET_MS, its phases named as the app names them. */
function slowBuildProgress(): { show: (p: ProgressEvent) => void; end: () => void } {
  const started = Date.now();
  const printer = progressPrinter((p, tty) => {
    const named = { ...p, phase: phaseName(p.phase) };
    return tty ? formatProgressBar(named, Math.max(40, (process.stderr.columns ?? 80) - 1)) : formatProgressLine(named);
  });
  return {
    show: (p) => {
      if (Date.now() - started >= QUIET_MS) printer.show(p);
    },
    end: () => printer.end(),
  };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    seed: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    energy: { type: 'string' },
    length: { type: 'string' },
    m3u: { type: 'string' },
    force: { type: 'boolean', default: false },
    name: { type: 'string' },
    db: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'boolean', default: false },
    ...SAVED_OPTIONS,
  });
  const managing = savedAction(values, positionals);
  if (managing) return managing;
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`);
  const length = num(values.length, 'length', bounds('playlist.build', 'length'));
  const req = request(values, length ?? 1, values.name);
  if (length === undefined) throw usageError('--length N is required');
  // The M3U's name, folder and an existing file without --force, before any work (review R4.5); the write checks them again.
  if (values.m3u) await checkPlaylistFile(resolve(values.m3u), values.force);
  const engine = openEngine({ db: values.db });
  try {
    const model = values.model ?? (await engine.call('models.list')).active;
    // --length N is the most wanted, as the app's Length: a library that offers fewer makes a shorter list, said on stderr (review R1.5).
    // A job (review R2.10): Ctrl-C stops it between rounds (exit 130, nothing written or saved).
    const progress = slowBuildProgress();
    const playlist = await runCliJob(engine, 'playlist.build', { ...req, model, atMost: true }, { label: 'playlist', onProgress: progress.show }).finally(progress.end);
    const trackIds = playlist.tracks.map((t) => t.track.id);
    // The M3U first: a file that cannot be written fails the command before anything is saved.
    const m3u = values.m3u ? (await engine.call('playlist.m3u', { trackIds, out: resolve(values.m3u), ...(values.force ? { force: true } : {}) })).out : undefined;
    // --no-save: a try that should not pile up in the saved playlists (review R1.10).
    const id = values['no-save'] ? null : (await engine.call('playlist.save', { name: playlist.name, trackIds, params: playlist.params })).id;
    if (values.json) printJson({ catalog: engine.ctx.catalogPath, model, id, ...playlist, ...(m3u ? { m3u } : {}) });
    else process.stdout.write([`${oneLine(playlist.name)} (${playlist.tracks.length} tracks, model ${model}):`, ...curatedLines(playlist.tracks)].join('\n') + '\n');
    process.stderr.write(`playlist: ${id === null ? 'not saved (--no-save)' : `saved in the catalog as #${id} ${shownName(playlist.name)}`}${m3u ? `; wrote ${m3u}` : ''}\n`);
    if (playlist.tracks.length < length) process.stderr.write(`playlist: ${shortPlaylistNote(playlist.tracks.length, length)}\n`);
    return 0;
  } finally {
    await engine.close();
  }
}
