/** Any thrown value as what the user reads: the file, the cause, and a hint for the code. */
import { EngineError, isErrorData, type ErrorData } from '../../electron/contract/errors';

export interface Readable {
  title: string;
  file?: string;
  detail?: string;
  code: string;
}

const HINTS: Partial<Record<ErrorData['code'], string>> = {
  'not-indexed': 'Add a music folder in Library and scan it first.',
  'no-ffmpeg': 'Install ffmpeg (e.g. apt-get install ffmpeg) and restart.',
  'engine-unavailable': 'Reconnecting to the engine…',
  exists: 'Pick another output file.',
  busy: 'Another job is using the catalog; try again when it ends.',
};

const NOT_EMBEDDED = 'The library is re-embedded for a model when it is activated (progress on the Train screen); if that did not run, press Scan in Library.';

export function readable(err: unknown): Readable {
  const data: ErrorData | null = err instanceof EngineError ? err.toData() : isErrorData(err) ? err : null;
  if (!data) return { title: err instanceof Error ? err.message : String(err), code: 'internal' };
  // A library that is there but not embedded for this model: scanning again is not the remedy the generic hint says.
  // A model version in use says itself what to do: the generic "busy" hint (the catalog) would be wrong there.
  // "Pick another output file" only for an output that exists: a folder already in the library is not one (review R1.12).
  // A job the engine's restart stopped is over: "Reconnecting…" under it would wait for nothing.
  const hint = data.code === 'engine-unavailable' && /^stopped: /.test(data.message) ? undefined : data.code === 'not-indexed' && /no segment embeddings for model/.test(data.message) ? NOT_EMBEDDED : (data.code === 'busy' && /^model version "[^"]*" is in use: /.test(data.message)) || (data.code === 'exists' && !/already exists$/.test(data.message)) ? undefined : HINTS[data.code];
  // A refused request's one issue is its title already ('models.delete: "version" must be …'): not said again below it.
  const issue = data.code === 'invalid-request' && data.detail && !data.detail.includes('; ') ? data.detail.slice(data.detail.indexOf(': ') + 2) : '';
  const detail = issue && data.message.endsWith(issue) ? undefined : data.detail;
  return {
    title: data.message,
    code: data.code,
    // The file on a line of its own, unless the message already begins with it (it read the path twice).
    ...(data.file && !data.message.startsWith(data.file) ? { file: data.file } : {}),
    ...(detail || hint ? { detail: [hint, detail].filter(Boolean).join(' ') } : {}),
  };
}
