/**
 * Reading an extraction run folder (`filtermine extract --out DIR`) from the commands that consume
 * it (`mine --run`, `evaluate --run`): what the manifest says, and the transaction table for a k.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadTransactionStore, loadTransactions } from '../transactions/io';
import { transactionsForK } from '../transactions/store';
import { checkKsFitLayer } from '../extract/merge';
import type { ImageFolderSpec } from '../extract/source';

/** What a run folder's manifest says. */
export interface RunInfo {
  layer?: string;
  /** The model's weight fingerprint. */
  fingerprint?: string;
  /** Data set name without a `[:n]` limit suffix. */
  data?: string;
  n?: number;
  checksum?: string;
  /** The image folder the run read, when it read one. */
  imageFolder?: ImageFolderSpec;
}

/** Reads the manifest (and `data-source.json`) of a run folder; empty when there is no manifest. */
export function readRunInfo(dir: string): RunInfo {
  const f = path.join(dir, 'manifest.json');
  if (!fs.existsSync(f)) return {};
  const m = JSON.parse(fs.readFileSync(f, 'utf8')) as { identity?: { model?: { layer?: string; fingerprint?: string }; data?: { name?: string; n?: number; checksum?: string } } };
  const data = m.identity?.data?.name?.replace(/\[:\d+\]$/, '');
  const spec = path.join(dir, 'data-source.json');
  return {
    layer: m.identity?.model?.layer, fingerprint: m.identity?.model?.fingerprint, data, n: m.identity?.data?.n, checksum: m.identity?.data?.checksum,
    ...(fs.existsSync(spec) ? { imageFolder: JSON.parse(fs.readFileSync(spec, 'utf8')) as ImageFolderSpec } : {}),
  };
}

/**
 * The transaction table for k of a run folder (its store, else its `transactions-k<k>.arrow`) or
 * of a transaction store folder.
 * @param nFilters when given, the store must score this many filters
 * @throws naming the folder and what it lacks
 */
export function runTransactionTable(command: string, dir: string, k: number, nFilters?: number): { table: ReturnType<typeof loadTransactions>; nFilters?: number } {
  const storeDir = fs.existsSync(path.join(dir, 'store', 'scores.json')) ? path.join(dir, 'store') : fs.existsSync(path.join(dir, 'scores.json')) ? dir : null;
  if (storeDir) {
    const store = loadTransactionStore(storeDir);
    if (nFilters !== undefined && store.nFilters !== nFilters) throw new Error(`${command}: the transactions in ${storeDir} score ${store.nFilters} filters, but the layer has ${nFilters} channels`);
    // The store would clamp k to the width and hand back every filter of every patch: refuse instead.
    checkKsFitLayer([k], store.nFilters, store.layer ?? storeDir);
    return { table: transactionsForK(store, k), nFilters: store.nFilters };
  }
  const file = path.join(dir, `transactions-k${k}.arrow`);
  if (!fs.existsSync(file)) {
    const have = fs.readdirSync(dir).filter((f) => /^transactions-k\d+\.arrow$/.test(f)).map((f) => f.replace(/^transactions-k(\d+)\.arrow$/, '$1'));
    throw new Error(`${command}: ${dir} has neither a transaction store (store/scores.json) nor ${path.basename(file)}` +
      (have.length ? `; k values present: ${have.join(', ')}` : `; run 'filtermine extract' (and 'extract merge') first`));
  }
  return { table: loadTransactions(file) };
}
