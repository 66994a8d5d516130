/**
 * Decoding `.onnx` files: the ONNX schema (`onnx.proto`, shipped next to this module, Apache-2.0)
 * read by protobufjs, and plain typed records for the parts a convolutional classifier uses.
 * Pure apart from reading the schema file once.
 */
import * as path from 'node:path';
import * as protobuf from 'protobufjs';
import { packageRoot } from '../../util/package-root';

/** An ONNX tensor decoded to numbers (float, double and integer types), row-major. */
export interface OnnxTensor {
  name: string;
  dims: number[];
  /** ONNX `TensorProto.DataType` code (1 float, 6 int32, 7 int64, 11 double). */
  dataType: number;
  data: Float64Array;
}

/** One attribute of a node, already resolved to its value. */
export type OnnxAttribute = number | string | number[] | string[] | OnnxTensor;

/** A node of the graph. */
export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

/** A graph input or output: name and dimensions (a string for a symbolic dimension such as `batch`). */
export interface OnnxValueInfo {
  name: string;
  dims: (number | string)[];
}

/** The parts of a model that {@link decodeOnnx} keeps. */
export interface OnnxGraph {
  /** Where the graph was read from (names it in errors). */
  source: string;
  /** Opset version of the default domain. */
  opset: number;
  producer: string;
  graphName: string;
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

let modelType: protobuf.Type | undefined;

function schema(): protobuf.Type {
  if (!modelType) {
    const file = path.join(packageRoot(), 'src', 'models', 'onnx', 'onnx.proto');
    modelType = protobuf.loadSync(file).lookupType('onnx.ModelProto');
  }
  return modelType;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const DTYPE_NAMES: Record<number, string> = {
  1: 'float', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16', 11: 'double', 12: 'uint32', 13: 'uint64',
};

function decodeTensor(t: any, where: string): OnnxTensor {
  const name: string = t.name ?? '';
  const dims: number[] = (t.dims ?? []).map(Number);
  const dataType: number = t.dataType ?? 0;
  const size = dims.reduce((a, b) => a * b, 1);
  if (t.dataLocation === 1 || (t.externalData && t.externalData.length)) {
    throw new Error(`${where}: tensor '${name}' keeps its data in an external file; export with the weights inside the .onnx file (torch.onnx.export does for models under 2 GB)`);
  }
  const raw: Uint8Array | undefined = t.rawData && t.rawData.length ? t.rawData : undefined;
  const out = new Float64Array(size);
  if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width: Record<number, number> = { 1: 4, 6: 4, 7: 8, 11: 8, 2: 1, 3: 1, 9: 1 };
    const w = width[dataType];
    if (w === undefined) throw new Error(`${where}: tensor '${name}' has data type ${DTYPE_NAMES[dataType] ?? dataType}, which is not supported (expected float, double, int32 or int64)`);
    if (raw.byteLength !== size * w) throw new Error(`${where}: tensor '${name}' of shape [${dims.join(', ')}] has ${raw.byteLength} data bytes, expected ${size * w}`);
    for (let i = 0; i < size; i++) {
      switch (dataType) {
        case 1: out[i] = view.getFloat32(i * 4, true); break;
        case 6: out[i] = view.getInt32(i * 4, true); break;
        case 7: out[i] = Number(view.getBigInt64(i * 8, true)); break;
        case 11: out[i] = view.getFloat64(i * 8, true); break;
        case 2: case 9: out[i] = view.getUint8(i); break;
        case 3: out[i] = view.getInt8(i); break;
      }
    }
    return { name, dims, dataType, data: out };
  }
  const list: ArrayLike<unknown> = dataType === 1 ? t.floatData : dataType === 11 ? t.doubleData : dataType === 7 ? t.int64Data : t.int32Data;
  const values = list ?? [];
  if (values.length !== size) throw new Error(`${where}: tensor '${name}' of shape [${dims.join(', ')}] holds ${values.length} values, expected ${size}`);
  for (let i = 0; i < size; i++) out[i] = Number(values[i]);
  return { name, dims, dataType, data: out };
}

function decodeAttribute(a: any, where: string): OnnxAttribute {
  const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
  switch (a.type) {
    case 1: return Number(a.f ?? 0);
    case 2: return Number(a.i ?? 0);
    case 3: return text(a.s ?? new Uint8Array());
    case 4: return decodeTensor(a.t, where);
    case 6: return (a.floats ?? []).map(Number);
    case 7: return (a.ints ?? []).map(Number);
    case 8: return (a.strings ?? []).map(text);
    default: return `(attribute of type ${a.type})`;
  }
}

function valueInfo(v: any): OnnxValueInfo {
  const dims = v.type?.tensorType?.shape?.dim ?? [];
  return { name: v.name, dims: dims.map((d: any) => (d.dimValue != null ? Number(d.dimValue) : String(d.dimParam ?? '?'))) };
}

/**
 * Decodes the bytes of an `.onnx` file.
 * @param bytes the file content
 * @param where names the file in errors
 * @throws if the bytes are not an ONNX model, or a tensor's data is external or of an unsupported type
 */
export function decodeOnnx(bytes: Uint8Array, where = 'onnx model'): OnnxGraph {
  let msg: any;
  try {
    msg = schema().toObject(schema().decode(bytes), { longs: Number, defaults: false, arrays: true });
  } catch (e) {
    throw new Error(`${where}: not an ONNX model (protobuf decoding failed: ${(e as Error).message})`);
  }
  const g = msg.graph;
  if (!g || !Array.isArray(g.node) || g.node.length === 0) throw new Error(`${where}: not an ONNX model (no graph with nodes)`);
  const opset = (msg.opsetImport ?? []).find((o: any) => !o.domain || o.domain === 'ai.onnx')?.version;
  const initializers = new Map<string, OnnxTensor>();
  for (const t of g.initializer ?? []) initializers.set(t.name, decodeTensor(t, where));
  const nodes: OnnxNode[] = g.node.map((n: any) => ({
    name: n.name ?? '', opType: n.opType ?? '', domain: n.domain ?? '', inputs: n.input ?? [], outputs: n.output ?? [],
    attributes: new Map((n.attribute ?? []).map((a: any) => [a.name, decodeAttribute(a, `${where}: node '${n.name}'`)])),
  }));
  return {
    source: where, opset: Number(opset ?? 0), producer: `${msg.producerName ?? ''} ${msg.producerVersion ?? ''}`.trim(), graphName: g.name ?? '',
    nodes, initializers,
    inputs: (g.input ?? []).map(valueInfo).filter((v: OnnxValueInfo) => !initializers.has(v.name)),
    outputs: (g.output ?? []).map(valueInfo),
  };
}

/**
 * Encodes a plain ModelProto object (field names in camelCase, as protobufjs writes them) to bytes;
 * used to write small ONNX models in tests and examples.
 */
export function encodeOnnx(model: Record<string, unknown>): Uint8Array {
  const T = schema();
  const err = T.verify(model);
  if (err) throw new Error(`encodeOnnx: ${err}`);
  return T.encode(T.fromObject(model)).finish();
}
