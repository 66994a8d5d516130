#!/usr/bin/env node
/**
 * Reads the ONNX files written by `scripts/torchvision-onnx.py DIR` through filtermine's ONNX import
 * and compares the logits with PyTorch's: one line per model, as a Markdown table row
 * (`loads` with the largest logit difference relative to the largest logit, or the refusal).
 *
 * Usage: npm run build && node scripts/torchvision-onnx.js DIR
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..');
const tf = require(path.join(root, 'node_modules', '@tensorflow', 'tfjs'));
const { loadOnnxModel } = require(path.join(root, 'dist', 'src', 'models', 'onnx'));
const { selectBackend } = require(path.join(root, 'dist', 'src', 'backend'));

async function main() {
  const dir = process.argv[2];
  if (!dir || !fs.existsSync(dir)) throw new Error(`usage: node scripts/torchvision-onnx.js DIR (the folder torchvision-onnx.py wrote; got '${dir ?? ''}')`);
  await selectBackend('wasm');
  const refs = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (refs.length === 0) throw new Error(`${dir}: no <model>.json files; run scripts/torchvision-onnx.py ${dir} first`);
  console.log('| model | filtermine | layers | max abs logit difference / max abs logit |');
  console.log('|---|---|---|---|');
  for (const f of refs) {
    const ref = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    let model;
    try {
      model = await loadOnnxModel(path.join(dir, `${ref.name}.onnx`));
    } catch (e) {
      console.log(`| ${ref.name} | refused: ${e.message.replace(/^.*?: node/, 'node').replace(/; supported ops:.*$/, '')} | | |`);
      continue;
    }
    const n = ref.inputs.length / (3 * ref.size * ref.size);
    const y = tf.tidy(() => model.predict(tf.transpose(tf.tensor4d(ref.inputs, [n, 3, ref.size, ref.size]), [0, 2, 3, 1])).dataSync());
    let err = 0, scale = 0;
    for (let i = 0; i < y.length; i++) { err = Math.max(err, Math.abs(y[i] - ref.logits[i])); scale = Math.max(scale, Math.abs(ref.logits[i])); }
    console.log(`| ${ref.name} | loads | ${model.layers.length} | ${(err / scale).toExponential(1)} (max abs logit ${scale.toExponential(1)}) |`);
    model.dispose();
  }
}

main().catch((e) => { console.error(`torchvision-onnx: ${e.message}`); process.exit(1); });
