/**
 * Review R1.13: a corpus-trained version's before/after set base's figures over its own 398 test
 * pairs beside the new version's over 6, so a version at chance read as better on every row. Now
 * the version read against (the active one, or the parent when named) is scored on the SAME test
 * pairs, and model.json records it and chance beside the new version's figures; `models list`
 * headlines them. Truths: the corpus manifest's test split, and `evaluate` (the `eval` operation)
 * of base on that split: a separate run through ONNX that must give the same figures. A tiny corpus
 * rendered by the engine's generator, 3 training steps.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headline } from '../../../electron/contract/wording';
import { localJob } from '../../../electron/engine/service/jobs';
import { evaluate, referenceOnTest, trainOnCorpus } from '../../../electron/engine/service/training';
import { loadTrainingData } from '../../../electron/engine/train/dataset';
import { tinyCorpus } from '../../helpers/corpus';
import { tempDir } from '../../helpers/media';
import { copyOfBase } from '../../helpers/model-versions';

let tmp: { dir: string; cleanup: () => Promise<void> };
let corpus: string;
let testPairs: number;
beforeAll(async () => {
  tmp = await tempDir('needledrop-reference-');
  corpus = join(tmp.dir, 'c12');
  const manifest = await tinyCorpus(corpus, 4);
  testPairs = manifest.pairs.filter((p) => p.split === 'test').length;
}, 120_000);
afterAll(async () => {
  await tmp.cleanup();
});

const job = localJob(new AbortController().signal, () => {});
type Side = Record<string, number>;
type Report = { method: string; version?: string; videoToMusic: Side; musicToVideo: Side };

describe('a corpus-trained version is read against the active model on the same test pairs', () => {
  it('the active base is scored on the run\'s test split, as eval scores it; model.json records it and chance; models list headlines them', async () => {
    const home = join(tmp.dir, 'home');
    const registry = { env: { NEEDLEDROP_HOME: home } };
    const r = await trainOnCorpus({ corpus, version: 'r1', steps: 3 }, { userModelsDir: join(home, 'models'), checkpointsDir: join(home, 'checkpoints'), registry }, job);
    expect(testPairs).toBeGreaterThan(1);
    const reference = r.reference as unknown as Report;
    expect(reference.method).toBe('active base');
    // The same pairs: base on the corpus's test split through the eval operation.
    const truth = (await evaluate({ corpus, model: 'base', split: 'test', provider: 'cpu' }, registry, job)).reports[0];
    expect(reference.videoToMusic).toEqual(truth.videoToMusic);
    expect(reference.musicToVideo).toEqual(truth.musicToVideo);
    const test = r.test as unknown as Report;
    const chance = r.chance as unknown as Report;
    for (const rep of [reference, test, chance]) expect(rep.videoToMusic.gallery).toBe(testPairs);

    const saved = JSON.parse(readFileSync(join(home, 'models', 'r1', 'model.json'), 'utf8')) as { metrics: { test: Report; reference: Report; chance: Report } };
    expect(saved.metrics.reference).toMatchObject({ method: 'active base', version: 'base', videoToMusic: truth.videoToMusic });
    expect(saved.metrics.chance.videoToMusic).toMatchObject({ gallery: testPairs, recall1: 1 / testPairs });
    // Under 20 test pairs Recall@10 is n/a: the headline is Recall@1, beside base's on the same pairs and chance.
    const r1 = (x: Report): string => x.videoToMusic.recall1.toFixed(3);
    expect(headline(saved.metrics)).toBe(`v→m R@1 ${r1(test)} (active base ${truth.videoToMusic.recall1.toFixed(3)}, chance ${(1 / testPairs).toFixed(3)}) over ${testPairs} test pairs`);
  }, 240_000);

  it('a named parent is the reference; one that cannot be scored on these features is said, not a failed run', async () => {
    const home = join(tmp.dir, 'home2');
    const registry = { env: { NEEDLEDROP_HOME: home } };
    copyOfBase(home, 'twin');
    copyOfBase(home, 'odd-spec', { featureSpec: { video: 'v-000000000000', audio: 'a-000000000000' } });
    const data = await loadTrainingData(corpus);
    const twin = await referenceOnTest('twin', data, registry);
    expect(twin.report?.method).toBe('parent twin');
    expect(twin.report?.videoToMusic.gallery).toBe(testPairs);
    const odd = await referenceOnTest('odd-spec', data, registry);
    expect(odd.report).toBeNull();
    expect(odd.why).toMatch(/^parent odd-spec was not scored on the test pairs: .*feature spec mismatch for (video|audio)/);
  }, 120_000);
});
