/**
 * Joins the chunk files of a run folder (written by one process or by several shards) into the
 * final tables: the transaction store (patch columns + per-filter scores), one transaction table
 * per k (Arrow + CSV), the per-image table and a summary. Deterministic: the same chunks always
 * give the same bytes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { aq } from '../util/arquero';
import {
  saveTransactionStore, saveTransactions, transactionsToArrowIPC,
} from '../transactions/io';
import { concatTransactionStores, transactionsForKs, type TransactionStore } from '../transactions/store';
import { decodeChunk, type ChunkData, type ImageOutcome } from './chunk';
import { readManifest, type ExtractManifest } from './manifest';
import { writeFileAtomic } from '../util/files';

/** Options of {@link mergeExtraction}. */
export interface MergeOptions {
  /** k values of the transaction tables. Default: the manifest's. */
  ks?: number[];
}

/** Counts over a merged run (also written to `summary.json`). */
export interface ExtractSummaryCounts {
  images: number;
  patches: number;
  /** Images per outcome: `ok` had patches extracted; the others had a defective heatmap. */
  outcomes: Record<ImageOutcome, number>;
  /** Candidate windows before the stopping rule, over all images. */
  candidates: number;
  patchesPerImage: number;
  /**
   * Images whose predicted-class logit is not positive: the drop `1 - occluded/original` is not
   * meaningful for them (the paper assumes positive logits); they keep one patch or as the rule says.
   */
  nonPositiveLogit: number;
  /** Top-1 accuracy of the model over the run's images. */
  accuracy: number;
}

/** What {@link mergeExtraction} wrote. */
export interface MergeResult {
  out: string;
  files: string[];
  /** Transaction tables of other k values, left by an earlier merge, that were removed. */
  removed: string[];
  counts: ExtractSummaryCounts;
}

/**
 * Refuses top-k tables with more items than the layer has filters (every row would hold the whole layer).
 * @throws naming the k values, the layer and its width
 */
export function checkKsFitLayer(ks: readonly number[], nFilters: number, layer: string): void {
  const bad = ks.filter((k) => k > nFilters);
  if (bad.length) {
    throw new Error(`k = ${bad.join(', ')} is above the width of layer '${layer}' (${nFilters} filters); ` +
      `expected every k between 1 and ${nFilters}`);
  }
}

/** The chunk file of chunk `c`. */
export function chunkPath(out: string, c: number): string {
  return path.join(out, 'chunks', `chunk-${String(c).padStart(6, '0')}.fmc`);
}

/** Chunks of a run that have no finished chunk file yet. */
export function missingChunks(out: string, manifest: ExtractManifest): number[] {
  const missing: number[] = [];
  for (let c = 0; c < manifest.nChunks; c++) if (!fs.existsSync(chunkPath(out, c))) missing.push(c);
  return missing;
}

/**
 * Whether a complete run folder still needs a merge for these k values: no `summary.json` yet, or
 * one written for other k values.
 */
export function needsMerge(out: string, ks: readonly number[]): boolean {
  const f = path.join(out, 'summary.json');
  if (!fs.existsSync(f)) return true;
  try {
    const old = (JSON.parse(fs.readFileSync(f, 'utf8')) as { ks?: number[] }).ks ?? [];
    return old.length !== ks.length || old.some((k, i) => k !== ks[i]);
  } catch {
    return true;
  }
}

/**
 * Merges a complete run folder.
 * @throws if chunks are missing (listing them), or a chunk file is corrupt
 */
export function mergeExtraction(out: string, options: MergeOptions = {}): MergeResult {
  const manifest = readManifest(out);
  const missing = missingChunks(out, manifest);
  if (missing.length) {
    const list = missing.length > 20 ? `${missing.slice(0, 20).join(', ')}, ... (${missing.length} in all)` : missing.join(', ');
    throw new Error(`mergeExtraction: ${out} is incomplete: chunk(s) ${list} of ${manifest.nChunks} are not done yet; run the missing shards first`);
  }
  const ks = options.ks ?? manifest.ks;
  const chunks: ChunkData[] = [];
  for (let c = 0; c < manifest.nChunks; c++) {
    const f = chunkPath(out, c);
    const d = decodeChunk(fs.readFileSync(f), f);
    if (d.chunk !== c) throw new Error(`mergeExtraction: ${f} holds chunk ${d.chunk}, expected ${c}`);
    chunks.push(d);
  }
  const layer = manifest.identity.model.layer;
  if (chunks.length) checkKsFitLayer(ks, chunks[0].nFilters, layer);
  const store: TransactionStore = concatTransactionStores(chunks.map((d) => ({ columns: d.patches, scores: d.scores, nFilters: d.nFilters, layer })));
  for (let i = 0; i < store.columns.patch.length; i++) store.columns.patch[i] = i; // global patch ids
  const files: string[] = [];
  saveTransactionStore(store, path.join(out, 'store'));
  files.push('store/patches.arrow', 'store/scores.f32', 'store/scores.json');
  for (const [k, table] of transactionsForKs(store, ks)) {
    saveTransactions(table, path.join(out, `transactions-k${k}`));
    files.push(`transactions-k${k}.arrow`, `transactions-k${k}.csv`);
  }
  // Tables of other k values from an earlier merge: removed, so the folder and summary.json list
  // the same k values (merge again with --k to get them back from the chunks).
  const removed = fs.readdirSync(out).filter((f) => /^transactions-k\d+\.(arrow|csv)$/.test(f) && !files.includes(f));
  for (const f of removed) fs.rmSync(path.join(out, f), { force: true });
  const images = imageTable(chunks);
  writeFileAtomic(path.join(out, 'images.arrow'), transactionsToArrowIPC(images));
  files.push('images.arrow');
  const counts = summarise(chunks, store.columns.patch.length);
  writeFileAtomic(path.join(out, 'summary.json'), JSON.stringify({ fingerprint: manifest.fingerprint, ks, ...counts }, null, 2) + '\n');
  files.push('summary.json');
  return { out, files, removed, counts };
}

function imageTable(chunks: ChunkData[]) {
  const cat = <T extends Int32Array | Float32Array>(pick: (d: ChunkData) => T, Ctor: new (n: number) => T): T => {
    const n = chunks.reduce((a, d) => a + pick(d).length, 0);
    const out = new Ctor(n);
    let at = 0;
    for (const d of chunks) { out.set(pick(d) as never, at); at += pick(d).length; }
    return out;
  };
  return aq.table({
    image: cat((d) => d.images.image, Int32Array), label: cat((d) => d.images.label, Int32Array),
    pred: cat((d) => d.images.pred, Int32Array), logit: cat((d) => d.images.logit, Float32Array),
    candidates: cat((d) => d.images.candidates, Int32Array), kept: cat((d) => d.images.kept, Int32Array),
    outcome: chunks.flatMap((d) => d.images.outcome),
  });
}

function summarise(chunks: ChunkData[], patches: number): ExtractSummaryCounts {
  const outcomes: Record<ImageOutcome, number> = { ok: 0, zero: 0, constant: 0, nonFinite: 0 };
  let images = 0, candidates = 0, correct = 0, nonPositiveLogit = 0;
  for (const d of chunks) {
    images += d.images.image.length;
    d.images.outcome.forEach((o) => { outcomes[o]++; });
    d.images.candidates.forEach((c) => { candidates += c; });
    d.images.pred.forEach((p, i) => { if (p === d.images.label[i]) correct++; });
    d.images.logit.forEach((l, i) => { if (!(l > 0) && d.images.outcome[i] === 'ok') nonPositiveLogit++; });
  }
  return { images, patches, outcomes, candidates, patchesPerImage: images ? patches / images : 0, nonPositiveLogit, accuracy: images ? correct / images : 0 };
}
