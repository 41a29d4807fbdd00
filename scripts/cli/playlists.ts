/**
 * `needledrop playlist --list | --show ID|NAME [--m3u OUT] | --delete ID|NAME [--yes] | --rename ID|NAME NEW_NAME`: the saved
 * playlists of the catalog (review R1.10: they could only pile up). A delete without --yes says
 * what would go and changes nothing (exit 1), as `models delete` and `index --forget` do.
 */
import { EngineError } from '../../electron/contract/errors';
import { resolve } from 'node:path';
import type { SavedPlaylist, TrackListItem } from '../../electron/contract/types';
import { localTime, oneLine } from '../../electron/contract/wording';
import { printJson, textProblem } from './args';
import { openEngine } from './engine';
import { usageError } from './errors';
import { trackLabel } from './format';

type Engine = ReturnType<typeof openEngine>;

/** The options of `playlist` that manage the saved playlists (and --no-save, which builds without saving). */
export const SAVED_OPTIONS = {
  list: { type: 'boolean', default: false },
  delete: { type: 'string' },
  rename: { type: 'string' },
  show: { type: 'string' },
  yes: { type: 'boolean', default: false },
  'no-save': { type: 'boolean', default: false },
} as const;

/** Options that build a playlist: none of them goes with --list, --delete or --rename (--show takes --m3u and --force). */
const BUILD_OPTIONS = ['seed', 'from', 'to', 'energy', 'length', 'm3u', 'force', 'name', 'model', 'no-save'];

/**
 * --list, --delete or --rename, run alone (the command's result), or undefined when none was
 * given and the command builds a playlist.
 */
export function savedAction(values: Record<string, unknown>, positionals: string[]): Promise<number> | undefined {
  const asked = (['list', 'delete', 'rename', 'show'] as const).filter((k) => values[k] !== undefined && values[k] !== false);
  if (values.yes && !asked.includes('delete')) throw usageError('--yes confirms --delete: it does nothing alone');
  if (asked.length === 0) return undefined;
  if (asked.length > 1) throw usageError(`give one of --list, --delete, --rename, --show (not ${asked.map((k) => `--${k}`).join(' and ')})`);
  const exporting = asked[0] === 'show' ? ['m3u', 'force'] : [];
  const extra = BUILD_OPTIONS.filter((k) => !exporting.includes(k) && values[k] !== undefined && values[k] !== false && !(Array.isArray(values[k]) && values[k].length === 0));
  if (extra.length) throw usageError(`--${asked[0]} works on the saved playlists: leave out ${extra.map((k) => `--${k}`).join(', ')}`);
  const json = values.json === true;
  const wanted = asked[0] === 'rename' ? 1 : 0;
  if (positionals.length !== wanted) {
    throw usageError(asked[0] === 'rename' ? 'give the new name after --rename ID|NAME (one argument; quote a name with spaces)' : `unexpected argument "${positionals[0]}"`);
  }
  const engine = openEngine({ db: typeof values.db === 'string' ? values.db : undefined });
  const run = async (): Promise<number> => {
    try {
      if (asked[0] === 'list') return await listSaved(engine, json);
      if (asked[0] === 'delete') return await deleteSaved(engine, String(values.delete), values.yes === true, json);
      if (asked[0] === 'show') return await showSaved(engine, String(values.show), json, typeof values.m3u === 'string' ? values.m3u : undefined, values.force === true);
      return await renameSaved(engine, String(values.rename), positionals[0], json);
    } finally {
      await engine.close();
    }
  };
  return run();
}

const tracks = (n: number): string => `${n} track${n === 1 ? '' : 's'}`;
/** A playlist name as the terminal shows it: one line, its line breaks and direction marks escaped (review R3.7). */
export const shownName = (name: string): string => `"${oneLine(name)}"`;
const about = (p: SavedPlaylist): string => `#${p.id} ${shownName(p.name)} (${tracks(p.length)}, saved ${localTime(new Date(p.createdAt).toISOString(), { seconds: true, zone: true })})`;

/**
 * The saved playlist a user names: "#3" is always the id; a bare number is the id or the exact name
 * of a playlist ("2" can be a name: review R3.8), whichever exists, and is refused when it is the id
 * of one and the name of another (each then named by its "#id"); anything else is an exact name. A
 * name several playlists share is refused with their ids (a delete must not guess).
 */
export async function savedPlaylist(engine: Engine, ref: string): Promise<SavedPlaylist> {
  const all = await engine.call('playlist.list');
  const id = /^(#?)(\d+)$/.exec(ref.trim());
  const byId = id ? all.filter((p) => p.id === Number(id[2])) : [];
  const byName = id?.[1] ? [] : all.filter((p) => p.name === ref && !byId.includes(p));
  if (byId.length === 1 && byName.length === 0) return byId[0];
  if (byId.length === 1) {
    const named = byName.map((p) => `#${p.id} ${shownName(p.name)}`).join(', ');
    const ids = [...byId, ...byName].map((p) => `#${p.id}`);
    throw new EngineError({ code: 'bad-input', message: `"${ref.trim()}" is both the id of #${byId[0].id} ${shownName(byId[0].name)} and the name of ${named}: give ${ids.slice(0, -1).join(', ')} or ${ids[ids.length - 1]}` });
  }
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) {
    throw new EngineError({ code: 'bad-input', message: `${byName.length} saved playlists are named ${shownName(ref)} (${byName.map((p) => `#${p.id}`).join(', ')}): give the id of the one you mean` });
  }
  const what = !id ? `named ${shownName(ref)}` : id[1] ? `#${id[2]}` : `#${id[2]} or named ${shownName(ref)}`;
  throw new EngineError({ code: 'not-found', message: `no saved playlist is ${what} in the catalog: \`needledrop playlist --list\` shows them` });
}

export async function listSaved(engine: Engine, json: boolean): Promise<number> {
  const all = await engine.call('playlist.list');
  if (json) {
    printJson({ catalog: engine.ctx.catalogPath, playlists: all });
    return 0;
  }
  if (all.length === 0) {
    process.stdout.write('no saved playlists\n');
    return 0;
  }
  const rows = all.map((p) => [`#${p.id}`, String(p.length), localTime(new Date(p.createdAt).toISOString(), { seconds: true, zone: true }), oneLine(p.name)]);
  const header = ['ID', 'TRACKS', 'SAVED', 'NAME'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  process.stdout.write([line(header), ...rows.map(line)].join('\n') + '\n');
  return 0;
}

/**
 * `--show ID|NAME [--m3u OUT [--force]]`: a saved playlist's tracks in their order, and its M3U8 by
 * the writer a new playlist's --m3u uses (review R2.1: a saved playlist could be listed, renamed and
 * deleted, but never seen or exported again from the CLI).
 */
export async function showSaved(engine: Engine, ref: string, json: boolean, m3u: string | undefined, force: boolean): Promise<number> {
  if (force && m3u === undefined) throw usageError('--force replaces the --m3u file: give --m3u OUT.m3u8');
  const saved = await savedPlaylist(engine, ref);
  const p = await engine.call('playlist.get', { id: saved.id });
  const byId = new Map<number, TrackListItem>();
  // The whole catalog's views, a page at a time (a playlist's tracks are catalogued: a forgotten track leaves it).
  for (let offset = 0; ; ) {
    const page = await engine.call('tracks.list', { offset, limit: 10_000 });
    for (const t of page.tracks) byId.set(t.id, t);
    offset += page.tracks.length;
    if (page.tracks.length === 0 || offset >= page.total) break;
  }
  const tracks = p.trackIds.flatMap((id) => byId.get(id) ?? []);
  const out = m3u !== undefined && tracks.length > 0 ? (await engine.call('playlist.m3u', { trackIds: tracks.map((t) => t.id), out: resolve(m3u), ...(force ? { force: true } : {}) })).out : undefined;
  if (json) printJson({ catalog: engine.ctx.catalogPath, ...saved, params: p.params, tracks: tracks.map((track, i) => ({ position: i + 1, track })), ...(out ? { m3u: out } : {}) });
  else {
    const bpm = (b: number | null): string => (b === null ? '? BPM' : `${b.toFixed(0)} BPM`);
    const lines = tracks.map((t, i) => `${String(i + 1).padStart(3)}. ${bpm(t.bpm).padStart(7)}  ${t.key.padEnd(9)} ${trackLabel(t)}  ${oneLine(t.path)}`);
    process.stdout.write([`${about(saved)}:`, ...lines].join('\n') + '\n');
  }
  if (out) process.stderr.write(`playlist: wrote ${out}\n`);
  return 0;
}

export async function deleteSaved(engine: Engine, ref: string, yes: boolean, json: boolean): Promise<number> {
  const p = await savedPlaylist(engine, ref);
  if (!yes) {
    if (json) printJson({ deleted: false, playlist: p });
    process.stderr.write(`playlist: would delete playlist ${about(p)}; its tracks stay in the catalog; nothing was changed: add --yes to delete it\n`);
    return 1;
  }
  const gone = await engine.call('playlist.delete', { id: p.id });
  if (json) printJson({ deleted: true, playlist: gone });
  else process.stdout.write(`deleted playlist ${about(gone)}\n`);
  return 0;
}

export async function renameSaved(engine: Engine, ref: string, name: string, json: boolean): Promise<number> {
  const p = await savedPlaylist(engine, ref);
  // A well-formed command refused for its value: exit 1 without the usage line (README's rule), naming the playlist.
  if (!name.trim()) throw new EngineError({ code: 'bad-input', message: `playlist #${p.id} ${shownName(p.name)} keeps its name: the new name must not be blank` });
  const problem = textProblem('playlist.rename', 'name', name);
  if (problem) throw new EngineError({ code: 'bad-input', message: `playlist #${p.id} ${shownName(p.name)} keeps its name: the new name ${problem}` });
  const now = await engine.call('playlist.rename', { id: p.id, name });
  if (json) printJson({ renamed: now, was: p.name });
  else process.stdout.write(`renamed playlist #${now.id} ${shownName(p.name)} to ${shownName(now.name)}\n`);
  return 0;
}
