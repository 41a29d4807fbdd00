/**
 * Review S12.5: fine-tuning on Match feedback with none recorded (and no folder of edits) said
 * "feedback: too few usable music edits to fine-tune (train windows 0, held-out 0)" with
 * file "feedback", naming edits the user never gave; and the refused start told every screen the
 * models had changed. Now: what is missing and what to do, as bad input naming no file, and no
 * `changed: models`. A run that does write a version still says so (the truth: the folder on disk).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runJob } from '../../../electron/contract/api';
import type { EngineEvent } from '../../../electron/contract/types';
import { NO_JUDGEMENTS } from '../../../electron/contract/wording';
import { contextFromEnv } from '../../../electron/engine/service/context';
import { Engine } from '../../../electron/engine/service/engine';
import { openCatalog } from '../../../electron/engine/catalog/db';
import { listFeedback } from '../../../electron/engine/catalog/feedback';

const tmp = mkdtempSync(join(tmpdir(), 'nd-ft-none-'));
const engines: Engine[] = [];
afterAll(async () => {
  for (const e of engines) await e.close();
  rmSync(tmp, { recursive: true, force: true });
});

function open(dataDir: string): { engine: Engine; events: EngineEvent[] } {
  const engine = new Engine(contextFromEnv({}, { dataDir, threads: 1 }));
  engines.push(engine);
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  return { engine, events };
}

const modelsChanged = (events: EngineEvent[]): number => events.filter((e) => e.type === 'changed' && e.what === 'models').length;

describe('fine-tuning on feedback with no judgements recorded', () => {
  it.each([
    ['no catalog yet', false],
    ['a catalog with no judgements', true],
  ])('%s: says what is missing and what to do; no version, no changed event', async (_what, withCatalog) => {
    const dataDir = join(tmp, withCatalog ? 'empty-catalog' : 'fresh');
    if (withCatalog) {
      const db = openCatalog(join(dataDir, 'catalog.sqlite'));
      expect(listFeedback(db)).toEqual([]);
      db.close();
    }
    const { engine, events } = open(dataDir);
    const err = await runJob(engine, 'finetune', { feedback: true, version: 'ft-none' }).then(
      () => null,
      (e: unknown) => e as { code: string; message: string; file?: string },
    );
    expect(err).toMatchObject({ code: 'bad-input', message: NO_JUDGEMENTS });
    expect(err?.message).not.toMatch(/too few usable music edits/);
    expect(err?.file).toBeUndefined();
    expect(existsSync(join(dataDir, 'models', 'ft-none'))).toBe(false);
    // Events are delivered as they happen: give any late one a turn before counting.
    await new Promise((r) => setTimeout(r, 50));
    expect(modelsChanged(events)).toBe(0);
  }, 60_000);
});
