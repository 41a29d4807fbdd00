/**
 * What Library says when a folder's tracks leave the catalog (a library folder removed with its
 * tracks, or an outside folder's tracks removed): how many are forgotten and how many move. Since
 * 6dfaf41 a track another library folder reaches through a link is not forgotten: it moves to the
 * link's path with its id, playlist places and feedback (`moved`); the question counted only the
 * forgotten ones and said nothing of the others (review S19).
 */
import type { MovedTrack } from '../../electron/contract/types';
import { counted } from './format';

const list = (moved: readonly MovedTrack[]): string => {
  const shown = moved.slice(0, 3).map((m) => `${m.path} → ${m.to}`);
  return shown.join(', ') + (moved.length > 3 ? `, and ${moved.length - 3} more` : '');
};

/** The sentence about the tracks that move, or '' when none does. */
export function movesSentence(moved: readonly MovedTrack[]): string {
  if (moved.length === 0) return '';
  const one = moved.length === 1;
  return `${counted(moved.length, 'track')} ${one ? 'is' : 'are'} also reached through a link in another library folder: ${one ? 'it is' : 'they are'} kept, moved there with ${one ? 'its' : 'their'} playlist places and feedback (${list(moved)}).`;
}

/** The confirming button: what it forgets, and what it moves. `folder`: a library folder's (it is unlisted too), else an outside folder's tracks. */
export function forgetButton(folder: boolean, forgotten: number, moved: number): string {
  if (moved === 0) return folder ? `Remove folder and its ${counted(forgotten, 'track')}` : `Remove ${counted(forgotten, 'track')}`;
  return `${folder ? 'Remove folder: forget' : 'Forget'} ${counted(forgotten, 'track')}, move ${moved}`;
}

/** The line once it is done: counts from the engine's answer. */
export function forgetDone(folder: string, dropped: number, moved: readonly MovedTrack[]): string {
  const forgot = dropped === 0 ? 'no track forgotten' : `${counted(dropped, 'track')} forgotten`;
  return `${folder}: ${forgot}${moved.length > 0 ? `; ${moved.length} moved to another library folder (${list(moved)})` : ''}.`;
}
