/**
 * Write the hand-off set into a folder: FCPXML, EDL and markers CSV beside the remix. Each file is
 * written under a temporary name beside it and then linked into place (renamed with `force`): an
 * existing file is never overwritten without `force`, and a failed write leaves the old one whole.
 */
import { rm, writeFile } from 'node:fs/promises';
import { basename, relative, resolve } from 'node:path';
import { inputError, NeedledropError } from '../../errors';
import { publish } from '../../media/export';
import { tmpName } from '../../util/atomic-write';
import { handoffPaths, type HandoffPaths } from '../outputs';
import { errnoWords } from '../../util/errno';
import { edl } from './edl';
import { fcpxml } from './fcpxml';
import { markersCsv } from './csv';
import type { HandoffTimeline, MediaRef } from './timeline';

export type HandoffFiles = HandoffPaths;

/** A media reference as seen from `dir`: relative path for the formats that allow one. */
export function mediaRef(dir: string, file: string): MediaRef {
  const absolute = resolve(file);
  return { absolute, path: relative(resolve(dir), absolute).split('\\').join('/'), name: basename(file) };
}

/** Write `text` to `file` whole or not at all; an existing file is replaced only with `force` ('exists'). */
export async function writeOne(file: string, text: string, force: boolean): Promise<void> {
  const tmp = tmpName(resolve(file));
  try {
    await writeFile(tmp, text, { flag: 'wx' });
    await publish(tmp, resolve(file), file, force);
  } catch (err) {
    if (err instanceof NeedledropError) throw err; // 'exists' from publish
    throw inputError(file, `cannot write it (${errnoWords(err)})`, err);
  } finally {
    await rm(tmp, { force: true });
  }
}

/** The folder must exist (the fit made and checked it); `force` replaces existing files. */
export async function writeHandoff(dir: string, base: string, t: HandoffTimeline, force = false): Promise<HandoffFiles> {
  const files = handoffPaths(dir, base);
  await writeOne(files.fcpxml, fcpxml(t), force);
  await writeOne(files.edl, edl(t), force);
  await writeOne(files.csv, markersCsv(t), force);
  return files;
}
