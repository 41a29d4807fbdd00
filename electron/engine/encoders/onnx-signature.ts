import { errorMessage } from '../util/error-message';
/**
 * An encoder's signature (window, input and output widths, opset) read straight from the ONNX
 * protobuf bytes: only the few fields it needs, stepping over the weights. Opening a model for
 * inference then loads no protobuf library (onnx-proto cost 0.17 CPU-s in every indexing worker).
 * It also refuses a model whose tensors read their data from other files (external data).
 */

export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'embedding';

/** What an encoder file expects and returns. */
export interface OnnxSignature {
  window: number;
  inDim: number;
  outDim: number;
  opset: number;
}

/** One field of a protobuf message: a varint's value, or a length-delimited field's bytes. */
interface Field {
  no: number;
  varint?: number;
  bytes?: Uint8Array;
}

class WireError extends Error {}

function readVarint(b: Uint8Array, pos: number): [number, number] {
  // Exact below 2^53, which every value read here is; int64 −1 (10 bytes) comes out huge, not wrong-signed small.
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= b.length) throw new WireError('truncated varint');
    const byte = b[pos++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
  }
  throw new WireError('varint longer than 10 bytes');
}

/** The fields of one message, in order (wire types 0, 1, 2 and 5; groups are not used by ONNX). */
function fields(b: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < b.length) {
    const [key, next] = readVarint(b, pos);
    pos = next;
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (no === 0) throw new WireError('field number 0');
    if (wire === 0) {
      const [v, p] = readVarint(b, pos);
      out.push({ no, varint: v });
      pos = p;
    } else if (wire === 2) {
      const [len, p] = readVarint(b, pos);
      if (p + len > b.length) throw new WireError(`field ${no} runs past the end`);
      out.push({ no, bytes: b.subarray(p, p + len) });
      pos = p + len;
    } else if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
      if (pos > b.length) throw new WireError(`field ${no} runs past the end`);
    } else {
      throw new WireError(`wire type ${wire}`);
    }
  }
  return out;
}

const sub = (fs: Field[], no: number): Uint8Array[] => fs.filter((f) => f.no === no && f.bytes).map((f) => f.bytes!);
const text = (b: Uint8Array | undefined): string => (b ? new TextDecoder().decode(b) : '');

interface ValueInfo {
  name: string;
  dims: Array<number | null>;
}

/** ValueInfoProto: name (1), type (2) → TypeProto.tensor_type (1) → shape (2) → dim (1): dim_value (1) or dim_param (2). */
function valueInfo(b: Uint8Array): ValueInfo {
  const fs = fields(b);
  const tensor = sub(fields(sub(fs, 2)[0] ?? new Uint8Array()), 1)[0];
  const shape = tensor ? sub(fields(tensor), 2)[0] : undefined;
  const dims = (shape ? sub(fields(shape), 1) : []).map((d) => {
    const df = fields(d);
    if (df.some((f) => f.no === 2)) return null;
    const v = df.find((f) => f.no === 1)?.varint;
    return v === undefined ? null : v;
  });
  return { name: text(sub(fs, 1)[0]), dims };
}

/** TensorProto: name (8), external_data (13: StringStringEntryProto key 1, value 2), data_location (14; 1 = EXTERNAL). */
function externalTensor(tensor: Uint8Array): string | null {
  const fs = fields(tensor);
  const entries = sub(fs, 13).map(fields);
  if (entries.length === 0 && fs.find((f) => f.no === 14)?.varint !== 1) return null;
  const location = entries.find((e) => text(sub(e, 1)[0]) === 'location');
  return `tensor "${text(sub(fs, 8)[0])}" reads its data from ${location ? `"${text(sub(location, 2)[0])}"` : 'another file'}`;
}

/** SparseTensorProto: values (1) and indices (2) are tensors. */
const sparseTensors = (b: Uint8Array): Uint8Array[] => {
  const fs = fields(b);
  return [...sub(fs, 1), ...sub(fs, 2)];
};

/**
 * The first tensor of these nodes whose data is in another file: NodeProto attribute (5) →
 * AttributeProto t (5), tensors (10), sparse_tensor (22), sparse_tensors (23), and the graphs of
 * If/Loop/Scan bodies, g (6) and graphs (11).
 */
function externalInNodes(nodes: Uint8Array[]): string | null {
  for (const node of nodes) {
    for (const attr of sub(fields(node), 5)) {
      const af = fields(attr);
      for (const t of [...sub(af, 5), ...sub(af, 10), ...[...sub(af, 22), ...sub(af, 23)].flatMap(sparseTensors)]) {
        const found = externalTensor(t);
        if (found) return found;
      }
      for (const g of [...sub(af, 6), ...sub(af, 11)]) {
        const found = externalInGraph(fields(g));
        if (found) return found;
      }
    }
  }
  return null;
}

/** GraphProto: initializer (5), sparse_initializer (15), node (1). */
function externalInGraph(graph: Field[]): string | null {
  for (const t of [...sub(graph, 5), ...sub(graph, 15).flatMap(sparseTensors)]) {
    const found = externalTensor(t);
    if (found) return found;
  }
  return externalInNodes(sub(graph, 1));
}

/**
 * Decode an encoder file enough to know its input/output shape, without onnxruntime.
 * Throws a plain Error with the cause; callers turn it into an input error naming the file.
 */
export function readOnnxSignature(bytes: Uint8Array): OnnxSignature {
  let inputs: ValueInfo[];
  let outputs: ValueInfo[];
  let opset = 0;
  let external: string | null;
  try {
    // ModelProto: graph (7), opset_import (8: domain 1, version 2). GraphProto: input (11), output (12).
    const model = fields(bytes);
    const graph = fields(sub(model, 7)[0] ?? new Uint8Array());
    inputs = sub(graph, 11).map(valueInfo);
    outputs = sub(graph, 12).map(valueInfo);
    for (const o of sub(model, 8)) {
      const of = fields(o);
      if (text(sub(of, 1)[0]) === '') opset = of.find((f) => f.no === 2)?.varint ?? 0;
    }
    // The graph, then the model's local functions (25 → FunctionProto node 7).
    external = externalInGraph(graph) ?? externalInNodes(sub(model, 25).flatMap((f) => sub(fields(f), 7)));
  } catch (err) {
    throw new Error(`not an ONNX model (${errorMessage(err)})`);
  }
  // Weights from another file (ONNX external data): a model loaded from bytes reads a relative
  // location against the process's working folder, so a shared model folder could pull any file
  // there (the home folder, for an app started from a launcher) into its weights (review R5.9).
  if (external) throw new Error(`uses external data (${external}): Needledrop's encoders hold their weights inline`);
  const input = inputs.find((i) => i.name === INPUT_NAME);
  const output = outputs.find((o) => o.name === OUTPUT_NAME);
  if (!input || !output) throw new Error(`not a Needledrop encoder (needs input "${INPUT_NAME}" and output "${OUTPUT_NAME}")`);
  const [inDims, outDims] = [input.dims, output.dims];
  if (inDims.length !== 3 || inDims[1] === null || inDims[2] === null || outDims.length !== 2 || outDims[1] === null) {
    throw new Error(`encoder shapes are not [batch, W, D] → [batch, d] (got [${inDims}] → [${outDims}])`);
  }
  return { window: inDims[1], inDim: inDims[2], outDim: outDims[1], opset };
}
