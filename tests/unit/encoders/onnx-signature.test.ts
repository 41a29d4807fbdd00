/**
 * The hand-written protobuf reader against onnx-proto's full decoder (protobuf.js generated from
 * onnx.proto), on the shipped encoders and on edited copies of them.
 */
import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { INPUT_NAME, OUTPUT_NAME, readOnnxSignature } from '../../../electron/engine/encoders/onnx-signature';

const { onnx } = onnxProto;

/** The signature as the full decoder sees it. */
function reference(bytes: Uint8Array): { window: number; inDim: number; outDim: number; opset: number } {
  const model = onnx.ModelProto.decode(bytes);
  const dims = (name: string, list: OnnxTypes.IValueInfoProto[] | null | undefined): number[] =>
    (list ?? []).find((v) => v.name === name)!.type!.tensorType!.shape!.dim!.map((d) => (d.dimParam ? -1 : Number(d.dimValue)));
  const i = dims(INPUT_NAME, model.graph!.input);
  const o = dims(OUTPUT_NAME, model.graph!.output);
  return { window: i[1], inDim: i[2], outDim: o[1], opset: Number(model.opsetImport.find((x) => !x.domain)!.version) };
}

const shipped = ['audio', 'video'].map((m) => [m, new Uint8Array(readFileSync(`models/base/${m}.onnx`))] as const);

describe('readOnnxSignature', () => {
  it.each(shipped)('reads the shipped %s encoder as the full decoder does', (_, bytes) => {
    const sig = readOnnxSignature(bytes);
    expect(sig).toEqual(reference(bytes));
    expect(sig.window).toBeGreaterThan(1);
  });

  it('reads edited shapes, names and opsets the way the full decoder does', () => {
    const model = onnx.ModelProto.decode(shipped[0][1]);
    const input = model.graph!.input!.find((v) => v.name === INPUT_NAME)!;
    input.type!.tensorType!.shape!.dim![1] = { dimValue: 300 };
    input.type!.tensorType!.shape!.dim![2] = { dimValue: 70_000 };
    model.graph!.output!.find((v) => v.name === OUTPUT_NAME)!.type!.tensorType!.shape!.dim![1] = { dimValue: 7 };
    model.opsetImport = [{ domain: 'com.microsoft', version: 1 }, { domain: '', version: 21 }];
    // An unrelated input before ours: the reader must pick by name, not by position.
    model.graph!.input!.unshift({ name: 'other', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } });
    const bytes = onnx.ModelProto.encode(model).finish();
    expect(readOnnxSignature(bytes)).toEqual({ window: 300, inDim: 70_000, outDim: 7, opset: 21 });
    expect(readOnnxSignature(bytes)).toEqual(reference(bytes));
  });

  it('names the cause for a file that is not an encoder', () => {
    const model = onnx.ModelProto.decode(shipped[0][1]);
    model.graph!.output![0].name = 'logits';
    expect(() => readOnnxSignature(onnx.ModelProto.encode(model).finish())).toThrow(/not a Needledrop encoder/);
    const symbolic = onnx.ModelProto.decode(shipped[0][1]);
    symbolic.graph!.input!.find((v) => v.name === INPUT_NAME)!.type!.tensorType!.shape!.dim![2] = { dimParam: 'D' };
    expect(() => readOnnxSignature(onnx.ModelProto.encode(symbolic).finish())).toThrow(/shapes are not/);
  });

  it('refuses cut-short and foreign bytes as not an ONNX model', () => {
    const bytes = shipped[0][1];
    expect(() => readOnnxSignature(bytes.subarray(0, Math.floor(bytes.length / 2)))).toThrow(/not an ONNX model/);
    expect(() => readOnnxSignature(new TextEncoder().encode('{"not":"onnx"}'))).toThrow(/not an ONNX model|not a Needledrop encoder/);
    expect(() => readOnnxSignature(new Uint8Array(0))).toThrow(/not a Needledrop encoder/);
  });
});
