/** Write the hand-off set into a folder: FCPXML, EDL and markers CSV beside the remix. */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { edl } from './edl';
import { fcpxml } from './fcpxml';
import { markersCsv } from './csv';
import type { HandoffTimeline, MediaRef } from './timeline';

export interface HandoffFiles {
  fcpxml: string;
  edl: string;
  csv: string;
}

/** A media reference as seen from `dir`: relative path for the formats that allow one. */
export function mediaRef(dir: string, file: string): MediaRef {
  const absolute = resolve(file);
  return { absolute, path: relative(resolve(dir), absolute).split('\\').join('/'), name: basename(file) };
}

export async function writeHandoff(dir: string, base: string, t: HandoffTimeline): Promise<HandoffFiles> {
  await mkdir(dir, { recursive: true });
  const files = { fcpxml: join(dir, `${base}.fcpxml`), edl: join(dir, `${base}.edl`), csv: join(dir, `${base}-markers.csv`) };
  await writeFile(files.fcpxml, fcpxml(t));
  await writeFile(files.edl, edl(t));
  await writeFile(files.csv, markersCsv(t));
  return files;
}
