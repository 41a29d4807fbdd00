import { resolve } from 'node:path';
import { buildPlaylist, savePlaylist, writePlaylistM3U, type PlaylistRequest } from '../../electron/engine/app/curate';
import { curatedLines } from '../../electron/engine/app/format';
import { openLibrary } from '../../electron/engine/app/library';
import { usageError } from '../../electron/engine/errors';
import { catalogPath } from '../../electron/engine/paths';
import { num, parse, printJson } from './args';

export const usage =
  'needledrop playlist (--seed A [--seed B…] | --from A --to B | --energy "low,mid,high,mid,low") --length N ' +
  '[--m3u OUT.m3u8] [--name NAME] [--db PATH] [--model V] [--json]';

/** Exactly one of the three ways to ask for a playlist. */
function request(values: { seed?: string[]; from?: string; to?: string; energy?: string }): PlaylistRequest {
  const asked = [values.seed?.length ? 'seed' : '', values.from !== undefined || values.to !== undefined ? 'path' : '', values.energy !== undefined ? 'energy' : ''].filter(Boolean);
  if (asked.length !== 1) throw usageError('give exactly one of --seed …, --from A --to B, or --energy CURVE');
  if (values.seed?.length) return { kind: 'more-like', seeds: values.seed };
  if (values.energy !== undefined) return { kind: 'energy', curve: values.energy };
  if (values.from === undefined || values.to === undefined) throw usageError('a mood path needs both --from and --to');
  return { kind: 'mood-path', from: values.from, to: values.to };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    seed: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    energy: { type: 'string' },
    length: { type: 'string' },
    m3u: { type: 'string' },
    name: { type: 'string' },
    db: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'boolean', default: false },
  });
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`);
  const req = request(values);
  const length = num(values.length, 'length', { min: 1, int: true });
  if (length === undefined) throw usageError('--length N is required');
  const dbPath = resolve(values.db ?? catalogPath());
  const library = await openLibrary(dbPath, values.model);
  try {
    const playlist = buildPlaylist(library, req, length, values.name);
    // The M3U first: a file that cannot be written fails the command before anything is saved.
    const m3u = values.m3u ? resolve(values.m3u) : undefined;
    if (m3u) await writePlaylistM3U(playlist.tracks, m3u);
    const id = savePlaylist(library, playlist);
    if (values.json) printJson({ catalog: dbPath, model: library.version, id, ...playlist, ...(m3u ? { m3u } : {}) });
    else process.stdout.write([`${playlist.name} (${playlist.tracks.length} tracks, model ${library.version}):`, ...curatedLines(playlist.tracks)].join('\n') + '\n');
    process.stderr.write(`playlist: saved in the catalog as #${id} "${playlist.name}"${m3u ? `; wrote ${m3u}` : ''}\n`);
    return 0;
  } finally {
    library.close();
  }
}
