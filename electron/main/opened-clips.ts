/**
 * The clips the window opened (clip.open replies passing through main), by id: media://clip/<id>
 * is served without asking the engine, also while a restarted engine process is opening the clips
 * again (EngineHost), and a clip's media is still served by id, with a path only the engine gave.
 */
import type { EngineApi } from '../contract/api';

export interface OpenedClips {
  /** The API with clip.open replies recorded. */
  api: EngineApi;
  path(id: string): string | undefined;
}

/** At most this many remembered clips (oldest dropped): one user opens a few a session. */
const MAX_CLIPS = 1000;

export function rememberOpenedClips(inner: EngineApi): OpenedClips {
  const clips = new Map<string, string>();
  const api: EngineApi = {
    ...inner,
    call: async (op, req) => {
      const result = await inner.call(op, req);
      if (op === 'clip.open') {
        const clip = result as { id: string; path: string };
        clips.set(clip.id, clip.path);
        if (clips.size > MAX_CLIPS) clips.delete(clips.keys().next().value as string);
      }
      return result;
    },
  };
  return { api, path: (id) => clips.get(id) };
}
