/**
 * `npm run album-set`: a development album set anyone can rebuild, for music→music similarity.
 * Fetches Debian's game-music packages with `apt-get download`, unpacks them (`dpkg-deb -x`,
 * `unzip` for the one that ships a .pk3), and lays the tracks out as
 * `.cache/albums/set/<package>/<file>` (symlinks), so a track's album label is its package =
 * its game. Then indexes the set into `.cache/albums/catalog.sqlite` with the engine's indexer
 * (audio descriptors + the active model's segments), and writes `labels.json`.
 *
 * Caps (so a rebuild takes minutes on two cores): at most --per-album tracks per package
 * (evenly spaced over the name-sorted list, deterministic), tracks shorter than --min-seconds
 * (jingles, stingers) left out; whole tracks are analysed.
 *
 * Then: `npx needledrop eval-similar .cache/albums/set --db .cache/albums/catalog.sqlite --json`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { openCatalog } from '../../electron/engine/catalog/db';
import { indexLibrary } from '../../electron/engine/library/indexer';
import { isAudioPath } from '../../electron/engine/library/scan';
import { probe } from '../../electron/engine/media/probe';
import { num, parse } from '../cli/args';
import { interruptSignal, statusLine } from '../cli/status';

interface Album {
  /** The Debian package: the album label. */
  pkg: string;
  /** Where its music lies inside the unpacked package (other audio there is sound effects or translations). */
  musicDir: string;
  /** A zip archive (Quake-style .pk3) inside the package that holds the music, when it is packed. */
  archive?: string;
}

/** Seven games, seven composers' worlds; every package is in Debian main (bookworm and later). */
export const ALBUMS: readonly Album[] = [
  { pkg: 'wesnoth-1.16-music', musicDir: 'usr/share/games/wesnoth/1.16/data/core/music' },
  { pkg: 'ufoai-music', musicDir: 'music', archive: 'usr/share/games/ufoai/base/0music.pk3' },
  { pkg: 'drascula-music', musicDir: 'usr/share/scummvm/drascula/audio' },
  { pkg: 'colobot-common-sounds', musicDir: 'usr/share/games/colobot/music' },
  { pkg: 'planetblupi-music-ogg', musicDir: 'usr/share/planetblupi/music' },
  { pkg: 'hyperrogue-music', musicDir: 'usr/share/hyperrogue/music' },
  { pkg: 'nexuiz-music', musicDir: 'sound/cdtracks', archive: 'usr/share/games/nexuiz/data/music.pk3' },
];

const { values } = parse(
  process.argv.slice(2),
  {
    cache: { type: 'string', default: '.cache/albums' },
    'per-album': { type: 'string', default: '24' },
    'min-seconds': { type: 'string', default: '30' },
    jobs: { type: 'string', default: '2' },
    'no-index': { type: 'boolean', default: false },
  },
  false,
);
const cache = resolve(values.cache);
const perAlbum = num(values['per-album'], 'per-album', { min: 2, int: true }) ?? 24;
const minSeconds = num(values['min-seconds'], 'min-seconds', { min: 0 }) ?? 30;
const jobs = num(values.jobs, 'jobs', { min: 1, int: true }) ?? 2;
const signal = interruptSignal();

const run = (cmd: string, args: string[], cwd?: string): void => {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
};

/** `count` items spread evenly over `items` (all of them when there are no more). */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}

async function prepare(album: Album): Promise<string[]> {
  const debs = join(cache, 'debs');
  mkdirSync(debs, { recursive: true });
  const have = () => readdirSync(debs).find((f) => f.startsWith(`${album.pkg}_`) && f.endsWith('.deb'));
  if (!have()) run('apt-get', ['download', album.pkg], debs);
  const deb = have();
  if (!deb) throw new Error(`${album.pkg}: apt-get download left no .deb in ${debs}`);
  const unpacked = join(cache, 'unpacked', album.pkg);
  if (!existsSync(unpacked)) {
    const tmp = `${unpacked}.part`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    run('dpkg-deb', ['-x', join(debs, deb), tmp]);
    if (album.archive) run('unzip', ['-q', '-o', join(tmp, album.archive), `${album.musicDir}/*`, '-d', tmp]);
    execFileSync('mv', [tmp, unpacked]);
  }
  const dir = join(unpacked, album.musicDir);
  const files = readdirSync(dir)
    .filter((f) => isAudioPath(f))
    .sort()
    .map((f) => join(dir, f));
  const long: string[] = [];
  for (const f of files) {
    // A few of hyperrogue's .ogg files have headers ffmpeg refuses: say so and leave them out.
    const duration = await probe(f, { signal }).then(
      (p) => p.duration,
      (e: unknown) => {
        process.stderr.write(`album-set: left out ${f}: ${e instanceof Error ? e.message : String(e)}\n`);
        return 0;
      },
    );
    if (duration >= minSeconds) long.push(f);
  }
  return spread(long, perAlbum);
}

const setDir = join(cache, 'set');
rmSync(setDir, { recursive: true, force: true });
const labels: Record<string, string> = {};
for (const album of ALBUMS) {
  const line = statusLine(album.pkg);
  line.update('download + unpack…');
  const tracks = await prepare(album);
  mkdirSync(join(setDir, album.pkg), { recursive: true });
  for (const t of tracks) {
    // The extension stays (the scanner goes by it); the album folder is the label.
    const link = join(setDir, album.pkg, `${basename(t, extname(t))}${extname(t).toLowerCase()}`);
    symlinkSync(t, link);
    labels[relative(setDir, link)] = album.pkg;
  }
  line.done(`${tracks.length} tracks`);
}
writeFileSync(join(cache, 'labels.json'), JSON.stringify(labels, null, 2) + '\n');
process.stderr.write(`album-set: ${Object.keys(labels).length} tracks in ${setDir}, labels in ${join(cache, 'labels.json')}\n`);

if (!values['no-index']) {
  const db = openCatalog(join(cache, 'catalog.sqlite'));
  const line = statusLine('index');
  const t0 = Date.now();
  try {
    const report = await indexLibrary(db, [setDir], {
      jobs,
      signal,
      onProgress: (p) => line.update(`${p.snapshot.done}/${p.snapshot.total} ${p.item ? basename(p.item) : ''}`),
    });
    line.done(
      `${report.indexed} indexed, ${report.unchanged} unchanged, ${report.failed.length} failed in ${((Date.now() - t0) / 1000).toFixed(0)} s` +
        (report.note ? ` (${report.note})` : ''),
    );
    for (const f of report.failed) process.stderr.write(`  skipped ${f.path}: ${f.reason}\n`);
  } finally {
    db.close();
  }
}
