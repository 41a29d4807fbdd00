/**
 * The Fit panel's "Save plan…" (review R2.11: an edited fit could not leave the app): the plan
 * shown, as the JSON `needledrop fit|export --plan` reads (scripts/cli/options.ts readPlanFile
 * takes its `plan`), with the clip, the track and the range it was made for, and the command that
 * renders and hands it off.
 */
import { extname, resolve } from 'node:path';
import { inputError } from '../errors';
import { checkOutput } from '../media/export';
import { writeOne } from './handoff/write';

export interface PlanToSave {
  clip: string;
  track: string;
  /** The clip range the fit was made for (its In and Out points), when not the whole clip. */
  start?: number;
  end?: number;
  plan: { ranges: Array<{ sourceStart: number; sourceEnd: number; outputStart?: number }>; endMode?: 'ending' | 'phrase'; tempoRatio?: number };
}

/** A word as a POSIX shell reads it back (quoted when it holds anything but plain path characters). */
export const shellWord = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The saved document: what the CLI needs to render the plan again, and the command that does. */
export function planDocument(p: PlanToSave, file: string): PlanToSave & { command: string } {
  const range = [...(p.start !== undefined ? ['--start', String(p.start)] : []), ...(p.end !== undefined ? ['--end', String(p.end)] : [])];
  const command = ['needledrop', 'fit', p.clip, p.track, ...range, '--plan', file].map(shellWord).join(' ') + ' --handoff FOLDER';
  return { clip: p.clip, track: p.track, ...(p.start !== undefined ? { start: p.start } : {}), ...(p.end !== undefined ? { end: p.end } : {}), plan: p.plan, command };
}

/** Write the plan to `given` (a .json file in a folder that exists; an existing one only with `force`). Returns the absolute path. */
export async function savePlan(given: string, p: PlanToSave, force: boolean): Promise<string> {
  if (extname(given).toLowerCase() !== '.json') throw inputError(given, 'a fit plan is saved as .json: name the file …-plan.json');
  const out = resolve(given);
  await checkOutput(out, given, force);
  await writeOne(out, JSON.stringify(planDocument(p, out), null, 2) + '\n', force);
  return out;
}
