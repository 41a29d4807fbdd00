/**
 * `npm run album-set`: a development album set anyone can rebuild, for music→music similarity.
 * Fetches Debian's game-music packages with `apt-get download`, unpacks their music folders and
 * copyright files (`dpkg-deb --fsys-tarfile | tar`, `unzip` for the ones that ship a .pk3), and lays the tracks out as
 * `.cache/albums/set/<package>/<file>` (symlinks), so a track's album label is its package =
 * its game. Then indexes the set into `.cache/albums/catalog.sqlite` with the engine's indexer
 * (audio descriptors + the active model's segments), and writes `labels.json`.
 *
 * Caps (so a rebuild takes minutes on two cores): at most --per-album tracks per package
 * (evenly spaced over the name-sorted list, deterministic), tracks shorter than --min-seconds
 * (jingles, stingers) left out; whole tracks are analysed.
 *
 * Then: `npx needledrop eval-similar .cache/albums/set --db .cache/albums/catalog.sqlite --json`.
 *
 * `--set train` builds the training albums of round 6 instead (TRAIN_ALBUMS: other games,
 * disjoint from the evaluation set) into `.cache/albums/train-set/<album>/` with their catalog and
 * labels in `.cache/albums/train/` (`--per-album 12` as docs/similarity.md used it); the
 * packages' downloads and unpacked trees are shared with the evaluation set's.
 *
 * `--set fresh` builds the eighth round's fresh evaluation set (FRESH_ALBUMS: packages no earlier
 * round used, band songs among them) into `.cache/albums/fresh-set/<album>/`, catalog and labels in
 * `.cache/albums/fresh/`. Every set's production signatures are computed after indexing (into
 * `music-space/` beside its catalog, as the app and `eval-similar` do; `--no-production` skips them),
 * so the numpy prototypes can read them without running `eval-similar`, which prints scores.
 *
 * `--set large` builds every Debian album found (LARGE_ALBUMS: the three sets above and
 * EXTRA_ALBUMS, at most 12 tracks each by default) into `.cache/albums/large-set/<album>/`, labels
 * in `.cache/albums/large/`. Every set also writes `holders.json` (per album and track, the copyright
 * holders its package's copyright file names for the music: copyright.ts) and
 * `composer-labels.json` (track → its album, or the albums sharing a holder joined as one label),
 * for `eval-similar --labels`: "same composer, other game" counted as a hit.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { openCatalog } from '../../electron/engine/catalog/db';
import { indexLibrary } from '../../electron/engine/library/indexer';
import { isAudioPath } from '../../electron/engine/library/scan';
import { probe } from '../../electron/engine/media/probe';
import { updateProductionSignatures } from '../../electron/engine/similarity/music-space';
import { num, parse } from '../cli/args';
import { interruptSignal, phaseStatus, statusLine } from '../cli/status';
import { holderGroups, holdersOf } from './copyright';
import { errorMessage } from '../../electron/engine/util/error-message';

interface Album {
  /** The Debian package. */
  pkg: string;
  /** Where its music lies inside the unpacked package (other audio there is sound effects or translations). */
  musicDir: string;
  /** A zip archive (Quake-style .pk3) inside the package that holds the music, when it is packed. */
  archive?: string;
  /** The album label (its folder in the set) when it is not the package: a package holding several albums. */
  label?: string;
  /** Also take audio from folders below `musicDir`. */
  recursive?: boolean;
  /** Files to leave out (relative path under `musicDir`): near-copies (a faster take of a track), ambiences. */
  exclude?: RegExp;
  /** Only files whose relative path under `musicDir` matches (music beside sound effects in one folder). */
  include?: RegExp;
  /** At most this many tracks of this album (below --per-album), for packages of very long tracks. */
  max?: number;
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

/**
 * The training set of round 6 (docs/similarity.md): 22 albums of 21 other games, disjoint from
 * the seven above (no package, game or file in common; one composer is on both sides: Joseph
 * "Zhay" Toscano wrote two Wesnoth tracks and supertux-data's retro-ice_music.ogg), for learning
 * what "same album" means from many albums the evaluation never sees. Each kept because it has ≥ 5 music
 * tracks ≥ 30 s; a package of several soundtracks (warzone2100-music) gives one album per soundtrack.
 */
export const TRAIN_ALBUMS: readonly Album[] = [
  { pkg: 'supertux-data', musicDir: 'usr/share/games/supertux2/music', recursive: true },
  { pkg: 'warzone2100-music', label: 'warzone2100-aftermath', musicDir: 'usr/share/games/warzone2100/music/albums/aftermath_soundtrack', max: 8 },
  { pkg: 'warzone2100-music', label: 'warzone2100-legacy', musicDir: 'usr/share/games/warzone2100/music/albums/legacy_soundtrack', max: 8 },
  { pkg: 'hedgewars-data', musicDir: 'usr/share/games/hedgewars/Data/Music' },
  { pkg: 'freedroidrpg-data', musicDir: 'usr/share/freedroidrpg/data/sound/music' },
  { pkg: 'singularity-music', musicDir: 'usr/share/games/singularity/music' },
  { pkg: 'warmux-data', musicDir: 'usr/share/games/warmux/music/ingame' },
  { pkg: 'extremetuxracer-data', musicDir: 'usr/share/games/etr/music' },
  { pkg: 'marsshooter-data', musicDir: 'usr/share/games/marsshooter/audio/music' },
  { pkg: 'fillets-ng-data', musicDir: 'usr/share/games/fillets-ng/music' },
  { pkg: 'pushover-data', musicDir: 'usr/share/pushover/themes' },
  { pkg: 'enigma-data', musicDir: 'usr/share/games/enigma/music', recursive: true },
  { pkg: 'xmoto-data', musicDir: 'usr/share/games/xmoto/Textures/Musics' },
  { pkg: 'freedink-data', musicDir: 'usr/share/games/dink/dink/Sound' },
  { pkg: 'plee-the-bear-data', musicDir: 'usr/share/games/plee-the-bear/music' },
  { pkg: 'naev-data', musicDir: 'usr/share/naev/dat/snd/music' },
  { pkg: 'flare-game', musicDir: 'usr/share/games/flare/mods/fantasycore/music', exclude: /ambient/ },
  { pkg: 'widelands-data', musicDir: 'usr/share/games/widelands/data/music' },
  { pkg: 'openclonk-data', musicDir: 'usr/share/games/openclonk/Music.ocg' },
  { pkg: 'freecol', musicDir: 'usr/share/games/freecol/default/resources/music/default' },
  { pkg: 'unknown-horizons', musicDir: 'usr/share/unknown-horizons/content/audio/music', recursive: true },
  { pkg: 'supertuxkart-data', musicDir: 'usr/share/games/supertuxkart/data/music', exclude: /_fast\./ },
];

/**
 * The fresh evaluation set of round 8 (docs/similarity.md): packages no earlier round used (none of
 * ALBUMS or TRAIN_ALBUMS, no game in common), two of them band songs (Frets on Fire's song packs:
 * each song's `song.ogg`, the band without the lead guitar, whose stem `guitar.ogg` is left out).
 * Debian has few more packages with ≥ 8 music tracks ≥ 30 s, so albums of ≥ 4 are kept here; six are
 * Kenta Cho's (ABA Games) shooters, whose music may share a composer: album = game, as everywhere.
 */
export const FRESH_ALBUMS: readonly Album[] = [
  { pkg: 'starfighter-data', musicDir: 'usr/share/starfighter/music' },
  { pkg: 'megaglest-data', musicDir: 'usr/share/games/megaglest', recursive: true, include: /(^|\/)music\/[^/]+$/ },
  { pkg: 'fretsonfire-songs-muldjord', musicDir: 'usr/share/games/fretsonfire/data/songs/muldjord', recursive: true, include: /\/song\.ogg$/ },
  { pkg: 'fretsonfire-songs-sectoid', musicDir: 'usr/share/games/fretsonfire/data/songs/sectoid', recursive: true, include: /\/song\.ogg$/ },
  { pkg: 'btanks-data', musicDir: 'usr/share/games/btanks/data/tunes' },
  { pkg: 'zaz-data', musicDir: 'usr/share/games/zaz', include: /^mus\d/ },
  { pkg: 'glob2-data', musicDir: 'usr/share/games/glob2/data/zik' },
  { pkg: 'noiz2sa-data', musicDir: 'usr/share/games/noiz2sa/sounds', include: /^stg/ },
  { pkg: 'parsec47-data', musicDir: 'usr/share/games/parsec47/sounds', include: /^ptn/ },
  { pkg: 'tumiki-fighters-data', musicDir: 'usr/share/games/tumiki-fighters/sounds', include: /\.ogg$/ },
  { pkg: 'torus-trooper-data', musicDir: 'usr/share/games/torus-trooper/sounds/musics' },
  { pkg: 'gunroar-data', musicDir: 'usr/share/games/gunroar/sounds/musics' },
  { pkg: 'mu-cade-data', musicDir: 'usr/share/games/mu-cade/sounds/musics' },
];

/**
 * Debian game-music packages no earlier set used, found for the large set (2026-12-02: `apt-cache
 * search`, then every games-section package's file list read for .ogg/.mp3/.flac/.wav music ≥ 30 s).
 * Tracker modules (.xm/.mod/.it: pingus, ri-li, tomatoes, heroes, ironseed, pekka-kana-2) are left
 * out: the scanner takes no tracker extension. Fewer than 4 tracks ≥ 30 s: a7xpg, gigalomania,
 * scorched3d (3 each), asc-music (3), holotz-castle (one theme in 6 tempos).
 */
export const EXTRA_ALBUMS: readonly Album[] = [
  { pkg: 'neverball-common', musicDir: 'usr/share/games/neverball/bgm' },
  { pkg: 'trackballs-data', musicDir: 'usr/share/games/trackballs/music' },
  { pkg: 'davegnukem-data', musicDir: 'usr/share/games/davegnukem/music', recursive: true },
  { pkg: 'ardentryst', musicDir: 'usr/share/games/ardentryst/Music', exclude: /_raw\./ },
  { pkg: 'amoebax-data', musicDir: 'usr/share/games/amoebax/music' },
  { pkg: 'adonthell-data', musicDir: 'usr/share/games/adonthell/games/wastesedge/audio', include: /^at-demo/ },
  // Music beside sound effects in one folder: the effects are all under 30 s.
  { pkg: 'wordwarvi-sound', musicDir: 'usr/share/wordwarvi/sounds' },
  { pkg: 'lordsawar-data', musicDir: 'usr/share/games/lordsawar/music' },
  { pkg: 'seahorse-adventures', musicDir: 'usr/share/games/seahorse-adventures/data/music' },
  { pkg: 'tuxmath-data', musicDir: 'usr/share/tuxmath/sounds' },
];

/**
 * `--set large`: every Debian album found, one library (issue 12 §1: a larger, more varied
 * evaluation library): the 7 evaluation, 22 training and 13 fresh albums and EXTRA_ALBUMS, at most
 * --per-album tracks each (default 12 here, so no album outweighs the rest).
 */
export const LARGE_ALBUMS: readonly Album[] = [...ALBUMS, ...TRAIN_ALBUMS, ...FRESH_ALBUMS, ...EXTRA_ALBUMS];

/** ffprobe processes at a time when choosing an album's tracks. */
const PROBES = 6;

/** Albums of the fresh and large sets need at least this many tracks (fewer are left out and named). */
const FRESH_MIN_TRACKS = 4;

const { values } = parse(
  process.argv.slice(2),
  {
    cache: { type: 'string', default: '.cache/albums' },
    // `train`: the round-6 training albums into train-set/ and train/{catalog.sqlite,labels.json}.
    set: { type: 'string', default: 'eval' },
    'per-album': { type: 'string' },
    'min-seconds': { type: 'string', default: '30' },
    jobs: { type: 'string', default: '2' },
    'no-index': { type: 'boolean', default: false },
    'no-production': { type: 'boolean', default: false },
  },
  false,
);
const cache = resolve(values.cache);
const perAlbum = num(values['per-album'], 'per-album', { min: 2, int: true }) ?? (values.set === 'large' ? 12 : 24);
const minSeconds = num(values['min-seconds'], 'min-seconds', { min: 0 }) ?? 30;
const jobs = num(values.jobs, 'jobs', { min: 1, int: true }) ?? 2;
const signal = interruptSignal();
const SETS = { eval: ALBUMS, train: TRAIN_ALBUMS, fresh: FRESH_ALBUMS, large: LARGE_ALBUMS } as const;
if (!(values.set in SETS)) throw new Error(`--set must be ${Object.keys(SETS).join(', ')} (got ${values.set})`);
const which = values.set as keyof typeof SETS;
const albums = SETS[which];
// The training and fresh sets keep their catalogs (and so their music-space/ caches) apart from the evaluation set's.
const setDir = join(cache, which === 'eval' ? 'set' : `${which}-set`);
const outDir = which === 'eval' ? cache : join(cache, which);
mkdirSync(outDir, { recursive: true });

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
    // Only the music (or its archive) and the copyright file: a full unpack of the big data packages took minutes each.
    const wanted = [`./${album.archive ?? album.musicDir}`, './usr/share/doc'];
    // tar names what it did not find (a package without a doc folder of its own) and fails: the check below says what matters.
    execFileSync('bash', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "${@:3}" 2>/dev/null || true', '-', join(debs, deb), tmp, ...wanted], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (!existsSync(join(tmp, album.archive ?? album.musicDir))) throw new Error(`${album.pkg}: ${album.archive ?? album.musicDir} is not in ${deb}`);
    if (album.archive) run('unzip', ['-q', '-o', join(tmp, album.archive), `${album.musicDir}/*`, '-d', tmp]);
    execFileSync('mv', [tmp, unpacked]);
  }
  const dir = join(unpacked, album.musicDir);
  const files = (readdirSync(dir, { recursive: album.recursive ?? false }) as string[])
    .filter((f) => isAudioPath(f) && !album.exclude?.test(f) && (album.include?.test(f) ?? true))
    .sort()
    .map((f) => join(dir, f));
  const cap = Math.min(perAlbum, album.max ?? perAlbum);
  // The large set probes 3 × its cap of files spread over the list first (probing every file of 52
  // packages took most of an hour on a loaded machine), and all of them only when too few are long enough.
  if (which === 'large' && files.length > 3 * cap) {
    const first = await longTracks(spread(files, 3 * cap));
    if (first.length >= cap) return spread(first, cap);
  }
  return spread(await longTracks(files), cap);
}

/** The files at least --min-seconds long, in their order. */
async function longTracks(files: readonly string[]): Promise<string[]> {
  // Probed PROBES at a time (one at a time took minutes per package on a loaded machine); the order stays the name order.
  const durations = new Array<number>(files.length).fill(0);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < files.length; i = next++) {
      const f = files[i]!;
      // A few of hyperrogue's .ogg files have headers ffmpeg refuses: say so and leave them out.
      durations[i] = await probe(f, { signal }).then(
        (p) => p.duration,
        (e: unknown) => {
          process.stderr.write(`album-set: left out ${f}: ${errorMessage(e)}\n`);
          return 0;
        },
      );
    }
  };
  await Promise.all(Array.from({ length: PROBES }, worker));
  return files.filter((_, i) => durations[i]! >= minSeconds);
}

/** The package's copyright file in its unpacked tree (its own doc folder, else the one doc folder it ships). */
function copyrightText(pkg: string): string | null {
  const docs = join(cache, 'unpacked', pkg, 'usr/share/doc');
  const own = join(docs, pkg, 'copyright');
  if (existsSync(own)) return readFileSync(own, 'utf8');
  const other = existsSync(docs) ? readdirSync(docs).map((d) => join(docs, d, 'copyright')).filter((f) => existsSync(f)) : [];
  return other.length === 1 ? readFileSync(other[0], 'utf8') : null;
}

rmSync(setDir, { recursive: true, force: true });
const labels: Record<string, string> = {};
/** Per album: the copyright holders its copyright file names for its tracks (the "same composer" label's source). */
const holders: Record<string, { holders: string[]; tracks: Record<string, string[]> }> = {};
for (const album of albums) {
  const label = album.label ?? album.pkg;
  const line = statusLine(label);
  line.update('download + unpack…');
  const tracks = await prepare(album);
  if ((which === 'fresh' || which === 'large') && tracks.length < FRESH_MIN_TRACKS) {
    line.done(`left out: ${tracks.length} tracks ≥ ${minSeconds} s (fewer than ${FRESH_MIN_TRACKS})`);
    continue;
  }
  mkdirSync(join(setDir, label), { recursive: true });
  const root = join(cache, 'unpacked', album.pkg);
  const musicDir = join(root, album.musicDir);
  const copyright = copyrightText(album.pkg);
  const albumHolders = (holders[label] = { holders: [] as string[], tracks: {} as Record<string, string[]> });
  for (const t of tracks) {
    // The extension stays (the scanner goes by it); the album folder is the label; sub-folders flattened into the name.
    const name = relative(musicDir, t).split(sep).join('-');
    const link = join(setDir, label, `${name.slice(0, name.length - extname(name).length)}${extname(name).toLowerCase()}`);
    symlinkSync(t, link);
    labels[relative(setDir, link)] = label;
    const named = copyright ? holdersOf(copyright, relative(root, t).split(sep).join('/')) : [];
    albumHolders.tracks[relative(setDir, link)] = named;
    for (const h of named) if (!albumHolders.holders.includes(h)) albumHolders.holders.push(h);
  }
  line.done(`${tracks.length} tracks`);
}
writeFileSync(join(outDir, 'labels.json'), JSON.stringify(labels, null, 2) + '\n');
// The second label: albums that share a copyright holder of their music are one group (eval-similar --labels).
const groups = holderGroups(Object.fromEntries(Object.entries(holders).map(([a, h]) => [a, h.holders])));
writeFileSync(join(outDir, 'holders.json'), JSON.stringify(holders, null, 2) + '\n');
writeFileSync(join(outDir, 'composer-labels.json'), JSON.stringify(Object.fromEntries(Object.entries(labels).map(([t, a]) => [t, groups[a]])), null, 2) + '\n');
for (const g of new Set(Object.values(groups))) if (g.includes('+')) process.stderr.write(`album-set: one holder group: ${g}\n`);
process.stderr.write(`album-set: ${Object.keys(labels).length} tracks in ${setDir}, labels in ${join(outDir, 'labels.json')}\n`);

if (!values['no-index']) {
  const db = openCatalog(join(outDir, 'catalog.sqlite'));
  const line = phaseStatus('album-set');
  const t0 = Date.now();
  try {
    const report = await indexLibrary(db, [setDir], {
      jobs,
      signal,
      onProgress: (p) => line.update(p.phase, p.snapshot.done, p.snapshot.total),
    });
    line.done(
      `${report.indexed} indexed, ${report.unchanged} unchanged, ${report.failed.length} failed in ${((Date.now() - t0) / 1000).toFixed(0)} s` +
        (report.note ? ` (${report.note})` : ''),
    );
    for (const f of report.failed) process.stderr.write(`  skipped ${f.path}: ${f.reason}\n`);
    if (!values['no-production']) {
      const prod = await updateProductionSignatures(db, join(outDir, 'music-space'), { signal, onProgress: (done, total) => line.update('production', done, total) });
      line.done(`production signatures: ${prod.computed} computed, ${prod.failed.length} failed`);
      for (const f of prod.failed) process.stderr.write(`  no production signature for ${f.path}: ${f.reason}\n`);
    }
  } finally {
    db.close();
  }
}
