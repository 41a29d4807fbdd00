/**
 * `needledrop index DIR… [--jobs N] [--signatures] [--db PATH] [--json]`: analyse music folders
 * into the catalog; with --signatures, then each new track's production signature (what `similar`
 * and playlists compare; the app computes them after every scan by itself).
 * `needledrop index --forget DIR… --yes`: drop the catalogued tracks under each folder (and unlist it
 * from the app's library folders): a scan never removes tracks of a folder it is not given (review R26).
 * Without --yes it only says what would go and exits 1: one mistyped parent folder must not empty
 * the catalog's playlists and feedback (review R33).
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { EngineError } from '../../electron/contract/errors';
import type { MovedTrack } from '../../electron/contract/types';
import { oneLine } from '../../electron/contract/wording';
import { isUnder, realOrSelf, type Engine } from '../../electron/engine/service';
import { bounds, num, parse, printJson } from './args';
import { openEngine, runCliJob } from './engine';
import { usageError } from './errors';
import { ignoredCounts, ignoredLines } from './format';

export const usage = 'needledrop index DIR… [--jobs N] [--signatures] [--db PATH] [--json]  |  needledrop index --forget DIR… [--yes] [--db PATH] [--json]';
export const example = 'needledrop index ~/Music --jobs 2 --signatures';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    jobs: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean', default: false },
    signatures: { type: 'boolean', default: false },
    forget: { type: 'boolean', default: false },
    yes: { type: 'boolean', default: false },
  });
  if (values.forget) {
    if (positionals.length === 0) throw usageError('give at least one folder to forget');
    if (values.jobs !== undefined || values.signatures) throw usageError('--forget drops tracks and scans nothing: leave out --jobs and --signatures');
    return forget(positionals, values.db, values.json, values.yes);
  }
  if (values.yes) throw usageError('--yes confirms --forget: it does nothing alone');
  if (positionals.length === 0) throw usageError('give at least one folder to index');
  const jobs = num(values.jobs, 'jobs', bounds('library.scan', 'jobs'));
  const engine = openEngine({ db: values.db });
  try {
    // Listed before the scan, as the app's Add folder does: a first index stopped by Ctrl-C or a kill kept
    // its tracks in no library folder, so the app could neither show the folder nor finish the scan (review R4.9).
    const { added, already } = await listFolders(engine, positionals);
    const report = await runCliJob(engine, 'library.scan', { folders: positionals, ...(jobs !== undefined ? { jobs } : {}) }, { label: 'index' }).catch((err: unknown) => {
      // The job's own words name the operation ("library.scan cancelled").
      throw err instanceof EngineError && err.code === 'cancelled' ? new EngineError({ code: 'cancelled', message: 'indexing cancelled' }) : err;
    });
    if (report.note) process.stderr.write(`index: ${report.note}\n`);
    const signed = values.signatures && !report.cancelled ? await runCliJob(engine, 'musicSpace.update', { signaturesOnly: true }, { label: 'signatures' }) : undefined;
    const signatures = signed?.detail;
    const withoutSignature = signed?.withoutSignature ?? [];
    if (values.json) {
      // What the text says, in full (review S12.16: the ignored counts and the partly decoded files were text only).
      const { indexed, unchanged, removed, unavailable, moved, reembedded, failed, partial, ignored } = report;
      printJson({ indexed, unchanged, removed, unavailable, moved, reembedded, failed, partial, ignoredCounts: ignoredCounts(ignored), ignored, ...(signatures ? { signatures, withoutSignature } : {}), libraryFoldersAdded: added });
    } else {
      for (const f of added) process.stderr.write(`index: ${f} is now one of the app's library folders (watched while the app is open; \`index --forget\` removes it)\n`);
      for (const a of already) process.stderr.write(`index: ${a}\n`);
      process.stderr.write(
        `index: ${report.indexed} indexed, ${report.unchanged} unchanged, ${report.moved} moved, ${report.removed} removed, ` +
          `${report.unavailable ? `${report.unavailable} unavailable (kept), ` : ''}${report.failed.length} failed${report.reembedded ? `, ${report.reembedded} re-embedded` : ''}\n`,
      );
      for (const f of report.failed) process.stderr.write(`  skipped ${oneLine(f.path)}: ${oneLine(f.reason)}\n`);
      for (const f of report.partial) process.stderr.write(`  partial ${oneLine(f.path)}: ${oneLine(f.cause)}\n`);
      for (const l of ignoredLines(report.ignored)) process.stderr.write(`  ${l}\n`);
      if (signatures) process.stderr.write(`index: ${signatures}\n`);
      for (const f of withoutSignature) process.stderr.write(`  no signature for ${oneLine(f.path)}: ${oneLine(f.reason)}\n`);
    }
    if (report.cancelled) throw new EngineError({ code: 'cancelled', message: 'indexing cancelled' });
    return 0;
  } finally {
    await engine.close();
  }
}

/**
 * The indexed folders become library folders, as the app's Add folder + Scan makes them (review T1: after
 * the README's `needledrop index ~/Music`, the app flagged every track "outside library" and watched
 * nothing). Only for the data folder's own catalog (the app's settings belong to it, not to a --db
 * elsewhere), and not for a folder inside one already listed. Returns the folders added.
 */
async function listFolders(engine: Engine, folders: string[]): Promise<{ added: string[]; already: string[] }> {
  const info = await engine.call('engine.info');
  const added: string[] = [];
  const already: string[] = [];
  if (resolve(info.catalog) !== resolve(info.dataDir, 'catalog.sqlite')) return { added, already };
  // A folder given by its real path and through a link: the real one is listed (the scan catalogues its files under it).
  const throughLink = (f: string): boolean => realOrSelf(f) !== resolve(f);
  for (const f of [...folders].sort((a, b) => Number(throughLink(a)) - Number(throughLink(b)))) {
    const before = info.libraryFolders;
    const abs = resolve(f);
    if (before.includes(abs) || !isDirectory(abs)) continue;
    try {
      // The engine says whether it is one already by real path (a link to a listed folder, one inside it: review R1.12).
      info.libraryFolders = await engine.call('library.addFolder', { path: abs });
    } catch (err) {
      if (!(err instanceof EngineError && err.code === 'exists')) throw err;
      already.push(err.message);
      continue;
    }
    added.push(...info.libraryFolders.filter((l) => !before.includes(l)));
  }
  return { added, already };
}


const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const tracks = (k: number): string => `${k} track${k === 1 ? '' : 's'}`;

/** The tracks a forget keeps because another library folder reaches their files by another path (review R3.9): the first named. */
function movedWords(moved: readonly MovedTrack[], done: boolean): string {
  const [first] = moved;
  const more = moved.length > 1 ? ` (and ${moved.length - 1} more like it)` : '';
  const one = moved.length === 1;
  if (done) return `${first.path} is now ${first.to}${more}, a path another library folder reaches it by: ${one ? 'its track kept with its' : 'their tracks kept with their'} id, playlist places and feedback`;
  return `${first.path} is also ${first.to}${more}, in another library folder: ${one ? 'its track moves' : 'their tracks move'} there with ${one ? 'its' : 'their'} playlist places and feedback`;
}

/**
 * What `--forget FOLDER` without --yes says: what it would drop, and why tracks under it stay (review
 * R1.18: a subfolder of a library folder read "would drop 0 tracks" and invited --yes, which did nothing;
 * review R3.9: a track another library folder links to stays, moved to that path).
 */
function wouldDrop(w: { folder: string; tracks: number; kept: number; keptUnder: string[]; moved: MovedTrack[] }, total: number): string {
  const listed = w.keptUnder.length === 1 ? `the library folder ${w.keptUnder[0]}` : `the library folders ${w.keptUnder.join(', ')}`;
  const forgetThem = w.keptUnder.length === 1 ? `forget ${w.keptUnder[0]}` : 'forget those';
  const stay = w.kept > 0 ? `: they are under ${listed} (a scan would add them back); to leave them out, move them or ${forgetThem}` : '';
  const linked = w.moved.length > 0 ? `${tracks(w.moved.length)} stay${w.moved.length === 1 ? 's' : ''}: ${movedWords(w.moved, false)}` : '';
  if (w.tracks === 0 && w.moved.length > 0) {
    const under = w.kept > 0 ? `; ${w.kept} more stay${w.kept === 1 ? 's' : ''}${stay}` : '';
    return `would drop no track: ${linked}${under}; nothing was changed: add --yes to forget it`;
  }
  if (w.tracks === 0 && w.kept > 0) return `would drop no track: its ${tracks(w.kept)} stay${stay}; nothing was changed`;
  const share = w.tracks === total && total > 0 ? ' (the whole catalog)' : ` of the catalog's ${total}`;
  const also = (w.moved.length > 0 ? `; ${linked}` : '') + (w.kept > 0 ? `; ${w.kept} more stay${w.kept === 1 ? 's' : ''}${stay}` : '');
  return `would drop ${tracks(w.tracks)}${share}, with their places in saved playlists and their feedback${also}; nothing was changed: add --yes to drop them`;
}

/**
 * A folder given to --forget that is no library folder, holds none and has no catalogued track under it
 * is a typo (review R2.3: `--forget ~/Muisc --yes` said "forgot …: 0 tracks dropped", exit 0, while the
 * real folder stayed catalogued and watched): refused before anything is dropped, with the folders there are.
 */
async function refuseStrangers(engine: Engine, folders: string[]): Promise<void> {
  const library = await engine.call('library.folders');
  for (const f of folders) {
    const folder = resolve(f);
    if (library.some((l) => l === folder || isUnder(l, folder))) continue;
    const under = await engine.call('library.folderTracks', { path: folder });
    if (under.tracks + under.kept + under.moved.length > 0) continue;
    const listed = library.length > 0 ? `the library folders are ${library.map((l) => oneLine(l)).join(', ')}` : 'there are no library folders';
    throw new EngineError({ code: 'not-found', file: folder, message: `${oneLine(folder)} is not one of the library folders and no catalogued track is under it (${listed}): nothing was changed` });
  }
}

/** Drop the tracks under each folder, with their segments, playlist items and feedback. */
async function forget(folders: string[], db: string | undefined, json: boolean, yes: boolean): Promise<number> {
  const engine = openEngine({ db });
  try {
    await refuseStrangers(engine, folders);
    if (!yes) {
      // What would go, and nothing else: the drop needs --yes.
      const total = (await engine.call('tracks.list', { limit: 1 })).total;
      const would: Array<{ folder: string; tracks: number; kept: number; keptUnder: string[]; moved: MovedTrack[] }> = [];
      for (const f of folders) {
        const folder = resolve(f);
        would.push({ folder, ...(await engine.call('library.folderTracks', { path: folder })) });
      }
      if (json) printJson({ wouldForget: would, catalogTracks: total });
      for (const w of would) process.stderr.write(`index: --forget ${w.folder} ${wouldDrop(w, total)}\n`);
      return 1;
    }
    const done: Array<{ folder: string; dropped: number; kept: number; moved: MovedTrack[] }> = [];
    for (const f of folders) {
      const folder = resolve(f);
      const r = await engine.call('library.removeFolder', { path: folder, dropTracks: true });
      done.push({ folder, dropped: r.dropped, kept: r.kept, moved: r.moved });
      if (!json) {
        const kept = r.kept ? `; ${r.kept} kept (also under another library folder: remove that one to drop them)` : '';
        const moved = r.moved.length > 0 ? `; ${r.moved.length} moved: ${movedWords(r.moved, true)}` : '';
        process.stderr.write(`index: forgot ${folder}: ${tracks(r.dropped)} dropped with their playlist items and feedback${kept}${moved}\n`);
      }
    }
    if (json) printJson({ forgotten: done });
    return 0;
  } finally {
    await engine.close();
  }
}
