/**
 * Which model versions exist and which one is active. Shipped versions live in the repo's
 * models/, versions a user trains in userModelsDir(); the active pointer (with a history for
 * rollback) in dataHome()/active-model.json. A missing pointer means 'base'.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { inputError, NeedledropError } from '../errors';
import { dataHome, shippedModelsDir, userModelsDir } from '../paths';
import { checkVersionName, ENCODER_FILES, loadModelVersion, MANIFEST_FILE, readManifest, type FeatureSpecPair, type LoadedModel, type ModelManifest } from './version';
import { writeFileAtomicAsync } from '../util/atomic-write';
import { withFileLock } from '../util/file-lock';
import { errnoWords } from '../util/errno';
import { pidAlive } from '../util/pid';
import { liveUse, writeLease, type VersionUse } from './in-use';
import { errorMessage } from '../util/error-message';

export const DEFAULT_MODEL = 'base';
const POINTER_FILE = 'active-model.json';
/** Enough undo steps for anyone; keeps the pointer file small. */
const HISTORY_LIMIT = 20;

export type ModelSource = 'shipped' | 'user';

export interface ModelEntry {
  version: string;
  source: ModelSource;
  dir: string;
  active: boolean;
  manifest?: ModelManifest;
  /** Why this folder is not a usable version (bad model.json, name clash), when it is not. */
  problem?: string;
}

export interface RegistryOptions {
  env?: NodeJS.ProcessEnv;
  /** Default: the repo's models/. */
  shippedDir?: string;
}

interface Pointer {
  active: string;
  /** Previously active versions, oldest first. */
  history: string[];
}

const pointerPath = (opts: RegistryOptions): string => join(dataHome(opts.env), POINTER_FILE);

/**
 * A deleted version's folder is first renamed to `.deleting-<pid>-<random>-<version>` beside the
 * others, then removed: an interruption leaves a folder no listing shows (never a half-removed
 * version), and the next engine start removes it (cleanDeletedLeftovers).
 */
const TRASH_PREFIX = '.deleting-';

function subfolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith(TRASH_PREFIX) && existsSync(join(dir, d.name, MANIFEST_FILE)))
    .map((d) => d.name)
    .sort();
}

/**
 * What a new version's output folder must pass before training starts, not after it (review R15):
 * not a shipped version's name (the user's copy would only be listed as unusable), no finished
 * version there, and nothing else there (an --out folder's own files would be mixed with the
 * model's). The encoders an unfinished save left (no model.json yet) are overwritten, so a
 * cancelled run can be repeated under its name.
 */
export function checkNewVersion(version: string, outDir: string, opts: RegistryOptions = {}): void {
  checkVersionName(version);
  const exists = (message: string): NeedledropError => new NeedledropError('input', message, { code: 'exists', file: outDir });
  if (subfolders(opts.shippedDir ?? shippedModelsDir()).includes(version)) throw exists(`model version "${version}" is shipped with Needledrop; pick another version name`);
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw exists(`${outDir}: is a file, not a folder for model version "${version}"; pick another version name or --out folder`);
  if (existsSync(join(outDir, MANIFEST_FILE))) throw exists(`model version "${version}" already exists at ${outDir}; pick another version name`);
  const encoders: readonly string[] = Object.values(ENCODER_FILES);
  const others = readdirSync(outDir).filter((f) => !encoders.includes(f));
  if (others.length > 0) {
    throw exists(`${outDir}: holds other files (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''}), not a model version; pick another version name or --out folder`);
  }
}

async function readPointer(opts: RegistryOptions): Promise<Pointer> {
  const file = pointerPath(opts);
  if (!existsSync(file)) return { active: DEFAULT_MODEL, history: [] };
  try {
    const doc = JSON.parse(await readFile(file, 'utf8')) as Partial<Pointer>;
    if (typeof doc.active !== 'string') throw new Error('field "active" missing');
    const history = Array.isArray(doc.history) ? doc.history.filter((h): h is string => typeof h === 'string') : [];
    return { active: doc.active, history };
  } catch (err) {
    throw inputError(file, `unreadable active-model pointer (${errorMessage(err)}); delete it to return to "${DEFAULT_MODEL}"`, err);
  }
}

async function writePointer(pointer: Pointer, opts: RegistryOptions): Promise<void> {
  await writeFileAtomicAsync(pointerPath(opts), JSON.stringify(pointer, null, 2) + '\n');
}

/**
 * Read the pointer, decide, write it: one change at a time, in this process and across processes
 * (review S12.10: four rollbacks at once all read the same pointer, all answered the same switch
 * and only one step was rolled back).
 */
async function changePointer<T>(opts: RegistryOptions, change: () => Promise<T>): Promise<T> {
  await mkdir(dataHome(opts.env), { recursive: true });
  return withFileLock(`${pointerPath(opts)}.lock`, 'the active model', change);
}

/** Every version, shipped first then user; a user version that reuses a shipped name is flagged, not used. */
export async function listModels(opts: RegistryOptions = {}): Promise<ModelEntry[]> {
  const active = (await readPointer(opts)).active;
  const entries: ModelEntry[] = [];
  const seen = new Set<string>();
  const sources: Array<[ModelSource, string]> = [
    ['shipped', opts.shippedDir ?? shippedModelsDir()],
    ['user', userModelsDir(opts.env)],
  ];
  for (const [source, root] of sources) {
    for (const version of subfolders(root)) {
      const dir = join(root, version);
      const entry: ModelEntry = { version, source, dir, active: false };
      if (seen.has(version)) {
        entry.problem = `name clashes with the shipped version "${version}"; rename this folder`;
      } else {
        seen.add(version);
        entry.active = version === active;
        try {
          entry.manifest = await readManifest(dir);
        } catch (err) {
          entry.problem = errorMessage(err);
        }
      }
      entries.push(entry);
    }
  }
  return entries;
}

/** The active version's name (not checked to exist: see resolveModel). */
export async function activeModel(opts: RegistryOptions = {}): Promise<string> {
  return (await readPointer(opts)).active;
}

/** The usable entry for a version name, or an input/usage error saying why there is none. */
export async function resolveModel(version: string, opts: RegistryOptions = {}): Promise<ModelEntry> {
  // Shipped entries come first, so a clashing user folder never wins.
  const entry = (await listModels(opts)).find((e) => e.version === version);
  if (!entry) {
    // Without the shipped models folder even "base" is missing: say which folder is gone (review R4.4).
    const shipped = opts.shippedDir ?? shippedModelsDir();
    const why = existsSync(shipped) ? '' : `: the models folder shipped with Needledrop (${shipped}) is missing; reinstall Needledrop`;
    throw new NeedledropError('usage', `no model version "${version}"${why}`, { code: 'no-model' });
  }
  if (entry.problem) {
    const file = join(entry.dir, MANIFEST_FILE);
    // readManifest's problems already begin with the file: said once, not "<file>: <file>: …" (review R4.4).
    throw inputError(file, entry.problem.startsWith(`${file}: `) ? entry.problem.slice(file.length + 2) : entry.problem);
  }
  return entry;
}

/** Load (and verify) the active version, or `version` when given. */
export async function loadModel(opts: RegistryOptions & { version?: string; expectedSpec?: Partial<FeatureSpecPair> } = {}): Promise<LoadedModel> {
  const entry = await resolveModel(opts.version ?? (await activeModel(opts)), opts);
  return loadModelVersion(entry.dir, { expectedSpec: opts.expectedSpec });
}

export interface Switch {
  active: string;
  previous: string;
  /** Earlier versions a rollback passed over: deleted or unusable since (said, not silent: second review S12.18). */
  skipped?: string[];
}

/** Make `version` active after verifying its files; the old one goes on the rollback history. */
export async function activate(version: string, opts: RegistryOptions & { expectedSpec?: Partial<FeatureSpecPair> } = {}): Promise<Switch> {
  checkVersionName(version);
  const entry = await resolveModel(version, opts);
  await loadModelVersion(entry.dir, { expectedSpec: opts.expectedSpec });
  return changePointer(opts, async () => {
    // Deleted meanwhile (a delete checks the pointer under this lock): no pointer to a version that is gone.
    if (!existsSync(join(entry.dir, MANIFEST_FILE))) throw new NeedledropError('usage', `no model version "${version}" (it was deleted)`, { code: 'no-model' });
    const pointer = await readPointer(opts);
    if (pointer.active === version) return { active: version, previous: version };
    await writePointer({ active: version, history: [...pointer.history, pointer.active].slice(-HISTORY_LIMIT) }, opts);
    return { active: version, previous: pointer.active };
  });
}

/**
 * Go back to the previously active version (skipping ones since deleted), or, with no history,
 * to the active version's parent. Rolling back does not push onto the history, so repeated
 * rollbacks walk further back instead of toggling.
 */
export function rollback(opts: RegistryOptions = {}): Promise<Switch> {
  return changePointer(opts, () => rollbackOnce(opts));
}

async function rollbackOnce(opts: RegistryOptions): Promise<Switch> {
  const pointer = await readPointer(opts);
  const entries = await listModels(opts);
  const usable = (v: string): boolean => entries.some((e) => e.version === v && !e.problem);
  const history = [...pointer.history];
  const skipped: string[] = [];
  const said = (): { skipped?: string[] } => (skipped.length > 0 ? { skipped } : {});
  while (history.length > 0) {
    const candidate = history.pop() as string;
    if (candidate !== pointer.active && usable(candidate)) {
      await writePointer({ active: candidate, history }, opts);
      return { active: candidate, previous: pointer.active, ...said() };
    }
    if (candidate !== pointer.active && !skipped.includes(candidate)) skipped.push(candidate);
  }
  const parent = entries.find((e) => e.version === pointer.active)?.manifest?.parent;
  if (parent && usable(parent)) {
    await writePointer({ active: parent, history: [] }, opts);
    return { active: parent, previous: pointer.active, ...said() };
  }
  // The request was well formed; the state does not allow it: an input error (CLI exit 1), not usage (2).
  throw new NeedledropError('input', `nothing to roll back to: "${pointer.active}" has no earlier active version and no parent`);
}


/**
 * Mark `uses` as in use by this process until the returned release is called: a delete of one of
 * them is refused meanwhile, from any process (in-use.ts). Written under the registry's lock, so a
 * delete either sees the lease or has already removed the version (and the job then finds none).
 */
export async function holdVersions(uses: VersionUse[], opts: RegistryOptions = {}): Promise<() => void> {
  if (uses.length === 0) return () => {};
  return changePointer(opts, async () => {
    // Checked and leased under one lock: of two runs writing one name, the second sees the first.
    for (const use of uses.filter((u) => u.writes)) {
      const writer = liveUse(dataHome(opts.env), use.version, (u) => u.writes === true);
      if (writer) {
        const who = writer.pid === process.pid ? 'another run of this process' : `process ${writer.pid}`;
        throw new NeedledropError('input', `model version "${use.version}" is being written by ${who} (${writer.why}, pid ${writer.pid}): wait for that run to end or cancel it, or pick another version name`, { code: 'busy' });
      }
    }
    return writeLease(dataHome(opts.env), uses);
  });
}

export interface Deletable {
  version: string;
  dir: string;
  manifest?: ModelManifest;
  /** The user's versions made from it: their parent shows as deleted afterwards. */
  children: string[];
}

/**
 * What deleting `version` would remove, or the reason it may not be deleted: a name that is not a
 * version's (it could leave the models folder), a shipped version, a link instead of a folder, the
 * active version, one a running job uses or writes, or none of that name.
 */
export async function deletableVersion(version: string, opts: RegistryOptions = {}): Promise<Deletable> {
  checkVersionName(version);
  const root = resolve(userModelsDir(opts.env));
  const dir = join(root, version);
  // The name is one path component: no '/', no '..', not absolute (checkVersionName); said twice on purpose.
  if (dirname(dir) !== root) throw new NeedledropError('usage', `invalid model version name "${version}"`);
  const entries = await listModels(opts);
  if (entries.some((e) => e.version === version && e.source === 'shipped')) {
    const clash = entries.find((e) => e.version === version && e.source === 'user');
    throw new NeedledropError(
      'input',
      `model version "${version}" is shipped with Needledrop and cannot be deleted${clash ? ` (the folder ${clash.dir} of that name among your versions is not used: rename or remove it yourself)` : ''}`,
      { code: 'bad-input' },
    );
  }
  const st = lstatOrNull(dir);
  if (st?.isSymbolicLink()) {
    throw new NeedledropError('input', `${dir}: is a link, not a model version folder; only version folders inside ${root} are deleted (remove the link yourself)`, { code: 'forbidden-path', file: dir });
  }
  const use = liveUse(dataHome(opts.env), version);
  if (use) throw new NeedledropError('input', `model version "${version}" is in use: ${use.why} is running (pid ${use.pid}); delete it when that has ended, or cancel it`, { code: 'busy' });
  const entry = entries.find((e) => e.version === version);
  if (!entry) throw new NeedledropError('usage', `no model version "${version}"`, { code: 'no-model' });
  if ((await readPointer(opts)).active === version) {
    throw new NeedledropError('input', `model version "${version}" is the active one and cannot be deleted: activate another version first (or roll back), then delete it`, { code: 'bad-input' });
  }
  const children = entries.filter((e) => e.source === 'user' && e.version !== version && e.manifest?.parent === version).map((e) => e.version);
  return { version, dir: entry.dir, ...(entry.manifest ? { manifest: entry.manifest } : {}), children };
}

function lstatOrNull(path: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/**
 * Delete a user's version: checked (deletableVersion) and renamed out of the listing under the
 * registry's lock, so no activation or new lease slips in between; then removed. A removal cut
 * short leaves only the renamed folder, which no listing shows and the next start removes.
 */
export async function deleteVersion(version: string, opts: RegistryOptions = {}): Promise<Deletable> {
  const { found, trash } = await changePointer(opts, async () => {
    const found = await deletableVersion(version, opts);
    const trash = join(dirname(found.dir), `${TRASH_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}-${version}`);
    try {
      renameSync(found.dir, trash);
    } catch (err) {
      throw inputError(found.dir, `cannot delete model version "${version}" (${errnoWords(err)})`, err);
    }
    return { found, trash };
  });
  // Unlisted already; what a failure here leaves, the next start removes.
  await rm(trash, { recursive: true, force: true }).catch(() => undefined);
  return found;
}

/** Remove what deletions cut short left (renamed folders of processes that are gone). Returns the folders removed. */
export function cleanDeletedLeftovers(opts: RegistryOptions = {}): string[] {
  const root = userModelsDir(opts.env);
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => n.startsWith(TRASH_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(name.slice(TRASH_PREFIX.length).split('-')[0]);
    // A deletion still under way in a live process is left to it.
    if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) continue;
    try {
      rmSync(join(root, name), { recursive: true, force: true });
      removed.push(join(root, name));
    } catch {
      // Left for a later start.
    }
  }
  return removed;
}
