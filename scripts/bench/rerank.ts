/**
 * What the app's Match screen costs when it re-ranks one clip: the engine's match job on a real clip
 * (shared/media big_buck_bunny_0_30.webm, 30 s 1280×720 VP8 + Vorbis) against five shared recordings,
 * first as opened, then the re-ranks a user makes: "Also by its own music" ticked, an In–Out range
 * inside the clip (10–20 s) with and without it, sections, the whole clip again. Run it under
 * /usr/bin/time twice, `--reranks 0` (the library's open and the first ranking) and the default (the
 * five re-ranks after it): the difference is the re-ranks' CPU, ffmpeg and ffprobe children included.
 * It also prints each ranking's wall time. The library is scanned into --data once and reused.
 *
 *   npx tsx scripts/bench/rerank.ts --data DIR [--reranks 0]
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runJob } from '../../electron/contract/api';
import { contextFromEnv } from '../../electron/engine/service/context';
import { Engine } from '../../electron/engine/service/engine';
import { sharedMediaDir } from '../../tests/helpers/media';
import { seconds } from './stats';

const { values } = parseArgs({ options: { data: { type: 'string' }, reranks: { type: 'string', default: '5' } } });
if (!values.data) throw new Error('--data DIR is required (the scanned library is kept there between runs)');
const media = await sharedMediaDir();
if (!media) throw new Error('shared media not found');
/** The library: the first five shared recordings by name. */
const NAMES = readdirSync(join(media, 'music')).filter((f) => f.endsWith('.ogg')).sort().slice(0, 5);
const lib = join(values.data, 'lib');
const clip = join(media, 'video', 'big_buck_bunny_0_30.webm');
const engine = new Engine(contextFromEnv({}, { dataDir: join(values.data, 'data'), threads: 1 }));
try {
  if (!existsSync(lib)) {
    mkdirSync(lib, { recursive: true });
    for (const f of NAMES) copyFileSync(join(media, 'music', f), join(lib, f));
    await runJob(engine, 'library.scan', { folders: [lib], jobs: 2 });
  }
  const steps: Array<[string, Record<string, unknown>]> = [
    ['first ranking', {}],
    ['own music ticked', { tempTrack: true }],
    ['In–Out 10–20 s, own music', { tempTrack: true, start: 10, end: 20 }],
    ['In–Out 10–20 s', { start: 10, end: 20 }],
    ['sections', { sections: true }],
    ['whole clip again', {}],
  ];
  for (const [what, extra] of steps.slice(0, 1 + Number(values.reranks))) {
    const s = await seconds(() => runJob(engine, 'match', { clips: [clip], top: 20, provider: 'cpu', ...extra }));
    console.log(`${what.padEnd(28)} ${s.toFixed(2)} s wall`);
  }
} finally {
  await engine.close();
}
