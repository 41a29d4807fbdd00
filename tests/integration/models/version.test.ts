import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openEncoder } from '../../../electron/engine/encoders/runtime';
import { NeedledropError } from '../../../electron/engine/errors';
import { loadModelVersion, readManifest, sha256 } from '../../../electron/engine/models/version';
import { DIMS, makeVersion, SPEC } from './fixture';

const root = mkdtempSync(join(tmpdir(), 'nd-version-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The refusal must be an input error that names the file and says why. */
async function refused(promise: Promise<unknown>, file: string, cause: RegExp): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(NeedledropError);
  expect((err as NeedledropError).kind).toBe('input');
  expect((err as NeedledropError).file).toBe(file);
  expect((err as NeedledropError).message).toMatch(cause);
}

describe('model versions', () => {
  it('saves a folder whose model.json records sha256s and loads it back; the encoders run', async () => {
    const manifest = await makeVersion(root, 'v1');
    const dir = join(root, 'v1');
    expect(manifest.sha256['video.onnx']).toBe(sha256(readFileSync(join(dir, 'video.onnx'))));
    expect(await readManifest(dir)).toEqual(manifest);
    const loaded = await loadModelVersion(dir, { expectedSpec: SPEC });
    expect(loaded.manifest.dims).toEqual(DIMS);
    const audio = await openEncoder(loaded.paths.audio, { provider: 'cpu' });
    expect((await audio.embed(new Float32Array(2 * 6 * DIMS.audioIn), 2)).length).toBe(2 * DIMS.out);
    await audio.close();
  });

  it('refuses to overwrite an existing version', async () => {
    await makeVersion(root, 'v2');
    await expect(makeVersion(root, 'v2')).rejects.toThrow(/already exists/);
  });

  it('refuses an encoder with flipped bytes (sha256 mismatch), naming the file', async () => {
    await makeVersion(root, 'flipped');
    const file = join(root, 'flipped', 'audio.onnx');
    const bytes = readFileSync(file);
    for (const at of [bytes.length >> 1, bytes.length - 3]) bytes[at] ^= 0xff;
    writeFileSync(file, bytes);
    await refused(loadModelVersion(join(root, 'flipped')), file, /sha256 mismatch.*corrupted/);
  });

  it('refuses a model.json whose sha256 does not match the file', async () => {
    await makeVersion(root, 'badsum');
    const manifestFile = join(root, 'badsum', 'model.json');
    const doc = JSON.parse(readFileSync(manifestFile, 'utf8'));
    doc.sha256['video.onnx'] = 'a'.repeat(64);
    writeFileSync(manifestFile, JSON.stringify(doc));
    await refused(loadModelVersion(join(root, 'badsum')), join(root, 'badsum', 'video.onnx'), /sha256 mismatch/);
  });

  it('refuses a model trained on another feature spec', async () => {
    await makeVersion(root, 'oldspec');
    const manifestFile = join(root, 'oldspec', 'model.json');
    await refused(loadModelVersion(join(root, 'oldspec'), { expectedSpec: { ...SPEC, video: 'video-spec-2' } }), manifestFile, /feature spec mismatch for video.*"video-spec-1".*"video-spec-2"/);
    await refused(loadModelVersion(join(root, 'oldspec'), { expectedSpec: { audio: 'audio-spec-0' } }), manifestFile, /feature spec mismatch for audio/);
  });

  it('refuses swapped encoders whose shapes contradict model.json even with matching sums', async () => {
    await makeVersion(root, 'swapped');
    const dir = join(root, 'swapped');
    const video = readFileSync(join(dir, 'video.onnx'));
    const audio = readFileSync(join(dir, 'audio.onnx'));
    writeFileSync(join(dir, 'video.onnx'), audio);
    writeFileSync(join(dir, 'audio.onnx'), video);
    const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    doc.sha256 = { 'video.onnx': sha256(audio), 'audio.onnx': sha256(video) };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(doc));
    await refused(loadModelVersion(dir), join(dir, 'video.onnx'), /encoder takes \[batch, 6, 9\].*model.json says \[batch, 6, 5\]/);
  });

  it('refuses missing files and broken or incomplete model.json', async () => {
    await makeVersion(root, 'broken');
    const dir = join(root, 'broken');
    rmSync(join(dir, 'video.onnx'));
    await refused(loadModelVersion(dir), join(dir, 'video.onnx'), /missing/);
    writeFileSync(join(dir, 'model.json'), '{ "version": "broken", ');
    await refused(loadModelVersion(dir), join(dir, 'model.json'), /not valid JSON/);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ version: 'broken', featureSpec: SPEC }));
    await refused(loadModelVersion(dir), join(dir, 'model.json'), /"window"/);
    await refused(loadModelVersion(join(root, 'nope')), join(root, 'nope', 'model.json'), /does not exist/);
  });
});
