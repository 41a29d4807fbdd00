/**
 * model.json field checks, one broken field at a time (mutation survivors in version.ts): each
 * must be refused as an input error naming model.json with the field's own message.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readManifest } from '../../../electron/engine/models/version';
import { makeVersion } from './fixture';

const root = mkdtempSync(join(tmpdir(), 'nd-manifest-'));
const dir = join(root, 'm1');
const file = join(dir, 'model.json');
let good: Record<string, unknown>;
beforeAll(async () => {
  await makeVersion(root, 'm1');
  good = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const hex = 'a'.repeat(64);
const cases: Array<[string, (d: Record<string, unknown>) => unknown, RegExp]> = [
  ['an array', () => [1], /not a JSON object/],
  ['null', () => null, /not a JSON object/],
  ['a bad version name', (d) => ({ ...d, version: '../m1' }), /"version" missing or not a valid name/],
  ['featureSpec as an array', (d) => ({ ...d, featureSpec: ['a', 'b'] }), /"featureSpec" must hold strings/],
  ['featureSpec.audio a number', (d) => ({ ...d, featureSpec: { audio: 1, video: 'v' } }), /"featureSpec" must hold strings/],
  ['featureSpec.video missing', (d) => ({ ...d, featureSpec: { audio: 'a' } }), /"featureSpec" must hold strings/],
  ['window 0', (d) => ({ ...d, window: 0 }), /"window" and "hop" must be positive integers/],
  ['hop 1.5', (d) => ({ ...d, hop: 1.5 }), /"window" and "hop" must be positive integers/],
  ['hop "2"', (d) => ({ ...d, hop: '2' }), /"window" and "hop" must be positive integers/],
  ['dims.out -1', (d) => ({ ...d, dims: { ...(d.dims as object), out: -1 } }), /"dims" must hold positive integers/],
  ['dims null', (d) => ({ ...d, dims: null }), /"dims" must hold positive integers/],
  ['loss missing', (d) => ({ ...d, loss: undefined }), /"loss" missing/],
  ['training a string', (d) => ({ ...d, training: 'x' }), /"training" missing/],
  ['metrics missing', (d) => ({ ...d, metrics: undefined }), /"metrics" missing/],
  ['sha256 missing', (d) => ({ ...d, sha256: undefined }), /"sha256" lacks a hex digest for video\.onnx/],
  ['sha256 of audio short', (d) => ({ ...d, sha256: { 'video.onnx': hex, 'audio.onnx': 'a'.repeat(63) } }), /lacks a hex digest for audio\.onnx/],
  ['sha256 with a prefix', (d) => ({ ...d, sha256: { 'video.onnx': `x${hex}`, 'audio.onnx': hex } }), /lacks a hex digest for video\.onnx/],
  ['sha256 with a suffix', (d) => ({ ...d, sha256: { 'video.onnx': `${hex}x`, 'audio.onnx': hex } }), /lacks a hex digest for video\.onnx/],
  ['parent a number', (d) => ({ ...d, parent: 3 }), /"parent" must be a version name or null/],
  ['createdAt not a date', (d) => ({ ...d, createdAt: 'yesterday' }), /"createdAt" must be an ISO date/],
  ['createdAt missing', (d) => ({ ...d, createdAt: undefined }), /"createdAt" must be an ISO date/],
];

it.each(cases)('refuses model.json with %s', async (_name, edit, message) => {
  writeFileSync(file, JSON.stringify(edit(structuredClone(good))));
  const err = await readManifest(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toMatchObject({ kind: 'input', file, message: expect.stringMatching(message) });
});

it('accepts the untouched model.json, with a parent name or null', async () => {
  for (const parent of [null, 'base']) {
    writeFileSync(file, JSON.stringify({ ...good, parent }));
    expect((await readManifest(dir)).parent).toBe(parent);
  }
});
