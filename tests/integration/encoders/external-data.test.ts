/**
 * Review R5.9: an encoder whose weights are ONNX "external data" (a tensor that reads its bytes
 * from another file). Loaded from bytes, onnxruntime resolves a relative location against the
 * process's working folder, so a model folder someone hands the user could read files there into
 * its weights. Such encoders are refused, with the file named, before any session is created.
 * The crafted file is real: onnxruntime, opening it by path, loads the moved weights and embeds
 * exactly as the shipped encoder does.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnnxSignature } from '../../../electron/engine/encoders/onnx-signature';
import { openEncoder } from '../../../electron/engine/encoders/runtime';
import { loadModelVersion, sha256, type ModelManifest } from '../../../electron/engine/models/version';

const { onnx } = onnxProto;
const SHIPPED = 'models/base';
const tmp = mkdtempSync(join(tmpdir(), 'nd-external-data-'));
const version = join(tmp, 'base');
const crafted = join(version, 'audio.onnx');
let moved = '';

beforeAll(() => {
  mkdirSync(version);
  for (const f of ['video.onnx', 'model.json', 'match-calibration.json']) copyFileSync(join(SHIPPED, f), join(version, f));
  // The shipped audio encoder with its largest initializer moved out to weights.bin beside it.
  const model = onnx.ModelProto.decode(readFileSync(join(SHIPPED, 'audio.onnx')));
  const init = [...model.graph!.initializer!].sort((a, b) => (b.rawData?.length ?? 0) - (a.rawData?.length ?? 0))[0];
  moved = init.name!;
  writeFileSync(join(version, 'weights.bin'), init.rawData!);
  init.externalData = [
    { key: 'location', value: 'weights.bin' },
    { key: 'offset', value: '0' },
    { key: 'length', value: String(init.rawData!.length) },
  ];
  init.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
  init.rawData = new Uint8Array(0);
  const bytes = onnx.ModelProto.encode(model).finish();
  writeFileSync(crafted, bytes);
  // A version folder that is otherwise valid: model.json's sha256 is self-attested, so it matches.
  const manifest = JSON.parse(readFileSync(join(version, 'model.json'), 'utf8')) as ModelManifest;
  manifest.sha256['audio.onnx'] = sha256(bytes);
  writeFileSync(join(version, 'model.json'), JSON.stringify(manifest, null, 2));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('encoders with external data (review R5.9)', () => {
  it('the crafted encoder is real: onnxruntime opening it by path reads weights.bin and embeds as the shipped one', async () => {
    const [ours, shipped] = await Promise.all([ort.InferenceSession.create(crafted), ort.InferenceSession.create(join(SHIPPED, 'audio.onnx'))]);
    const sig = readOnnxSignature(new Uint8Array(readFileSync(join(SHIPPED, 'audio.onnx'))));
    const input = new ort.Tensor('float32', Float32Array.from({ length: 2 * sig.window * sig.inDim }, (_, i) => Math.sin(i)), [2, sig.window, sig.inDim]);
    const [a, b] = await Promise.all([ours.run({ features: input }), shipped.run({ features: input })]);
    expect(Array.from(a.embedding.data as Float32Array)).toEqual(Array.from(b.embedding.data as Float32Array));
    await Promise.all([ours.release(), shipped.release()]);
  });

  it('openEncoder refuses it, naming the file, the tensor and where its data would come from', async () => {
    await expect(openEncoder(crafted, { provider: 'cpu' })).rejects.toThrow(crafted);
    await expect(openEncoder(crafted, { provider: 'cpu' })).rejects.toThrow(`uses external data (tensor "${moved}" reads its data from "weights.bin")`);
  });

  it('a model version holding it does not load', async () => {
    await expect(loadModelVersion(version)).rejects.toThrow(new RegExp(`${crafted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*uses external data`));
  });

  it('a tensor marked EXTERNAL without a location, or in a Constant node of a subgraph, is refused too', () => {
    const base = new Uint8Array(readFileSync(join(SHIPPED, 'audio.onnx')));
    const marked = onnx.ModelProto.decode(base);
    marked.graph!.initializer![0].dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    expect(() => readOnnxSignature(onnx.ModelProto.encode(marked).finish())).toThrow(/uses external data \(tensor ".*" reads its data from another file\)/);
    // An If node whose then-branch holds a Constant with external data.
    const nested = onnx.ModelProto.decode(base);
    const constant = { opType: 'Constant', output: ['c'], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: { name: 'secret', dims: [6], dataType: 2, externalData: [{ key: 'location', value: '.ssh/id_rsa' }], dataLocation: onnx.TensorProto.DataLocation.EXTERNAL } }] };
    nested.graph!.node!.push({ opType: 'If', input: ['cond'], output: ['x'], attribute: [{ name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: { name: 'then', node: [constant], output: [{ name: 'c' }] } }] });
    expect(() => readOnnxSignature(onnx.ModelProto.encode(nested).finish())).toThrow('uses external data (tensor "secret" reads its data from ".ssh/id_rsa")');
    // The shipped encoders hold their weights inline.
    expect(readOnnxSignature(base).window).toBeGreaterThan(1);
  });
});
