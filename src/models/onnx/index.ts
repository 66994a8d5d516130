/**
 * ONNX models (e.g. from `torch.onnx.export`) as tfjs LayersModels: {@link loadOnnxModel} reads an
 * `.onnx` file, {@link decodeOnnx} parses it, {@link onnxToLayersModel} builds the model.
 */
import * as fs from 'node:fs';
import type * as tf from '@tensorflow/tfjs';
import { decodeOnnx } from './schema';
import { onnxToLayersModel, type OnnxConvertOptions } from './convert';

export { decodeOnnx, encodeOnnx, type OnnxGraph, type OnnxNode, type OnnxTensor, type OnnxValueInfo, type OnnxAttribute } from './schema';
export { onnxToLayersModel, onnxLayerName, SUPPORTED_ONNX_OPS, type OnnxConvertOptions } from './convert';

/** True if `file` names an ONNX file (by its extension). */
export function isOnnxFile(file: string): boolean {
  return /\.onnx$/i.test(file);
}

/**
 * Loads an `.onnx` file as a tfjs LayersModel taking NHWC input (see {@link onnxToLayersModel}).
 * @param file path of the `.onnx` file
 * @param options input shape for symbolic input dimensions, model name
 * @throws if the file cannot be read, is not an ONNX model, or uses an unsupported op or attribute
 * @example const model = await loadOnnxModel('resnet18.onnx'); // layer names: the ONNX node names
 */
export async function loadOnnxModel(file: string, options: Omit<OnnxConvertOptions, 'where'> = {}): Promise<tf.LayersModel> {
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `ONNX model file '${file}' does not exist`
      : code === 'EISDIR' ? `'${file}' is a folder; expected an .onnx file` : `cannot read ONNX model file '${file}': ${(e as Error).message}`);
  }
  const graph = decodeOnnx(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  return onnxToLayersModel(graph, { ...options, where: file });
}
