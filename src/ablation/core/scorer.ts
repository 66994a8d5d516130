/**
 * The evaluation engine of class-conditional ablation, independent of how logits are computed:
 * a {@link MaskEvaluator} scores (mask, image) pairs in one batched call; a {@link MaskScorer}
 * turns channel lists into masks, reuses the unablated baseline for empty lists, memoises
 * deterministic masks and sends everything else to the evaluator at once. Pure: no tfjs.
 */
import { maskKey, maskMatrix } from './mask';
import type { LogitScores } from './metrics';

/** (mask row, image) pairs: `mask[i]` indexes a row of the mask matrix, `image[i]` an image. */
export interface MaskPairs {
  mask: Int32Array;
  image: Int32Array;
}

/**
 * Scores images under channel masks at one layer. Implementations: the fast split-and-head
 * evaluator (`createHeadEvaluator`), the naive full-model one (`createFullModelEvaluator`), and
 * pure stand-ins in tests.
 */
export interface MaskEvaluator {
  /** The layer's name. */
  readonly layerName: string;
  /** Channels F of the layer. */
  readonly channelCount: number;
  /** Number of classes (logit columns). */
  readonly numClasses: number;
  /** Number of images. */
  readonly numImages: number;
  /** True class per image. */
  readonly labels: ArrayLike<number>;
  /**
   * Scores every pair.
   * @param masks row-major `[rows, F]` 0/1 masks
   * @param pairs the pairs to score
   * @returns scores aligned with `pairs`
   */
  evaluate(masks: Float32Array, pairs: MaskPairs): Promise<LogitScores>;
}

/** One request to {@link MaskScorer.score}: ablate `channels`, score `images`. */
export interface ScoreRequest {
  /** Channels to ablate; empty = none. */
  channels: readonly number[];
  /** Image indices to score. */
  images: Int32Array;
}

/** Options of {@link MaskScorer}. */
export interface MaskScorerOptions {
  /** Keep the results of masks of requests marked `memo` for later requests. Default true. */
  memo?: boolean;
}

interface MemoEntry { done: Uint8Array; correct: Uint8Array; trueProb: Float32Array }

/**
 * Batches and memoises mask evaluations over a {@link MaskEvaluator}.
 */
export class MaskScorer {
  private readonly memo = new Map<string, MemoEntry>();
  private readonly useMemo: boolean;
  /** Number of (mask, image) pairs sent to the evaluator so far. */
  pairsEvaluated = 0;

  /**
   * @param evaluator the engine that computes logits
   * @param options see {@link MaskScorerOptions}
   */
  constructor(readonly evaluator: MaskEvaluator, options: MaskScorerOptions = {}) {
    this.useMemo = options.memo ?? true;
  }

  private entry(key: string): MemoEntry {
    let e = this.memo.get(key);
    if (!e) {
      const n = this.evaluator.numImages;
      e = { done: new Uint8Array(n), correct: new Uint8Array(n), trueProb: new Float32Array(n) };
      this.memo.set(key, e);
    }
    return e;
  }

  /**
   * Scores every request in one evaluator call (plus one for the baseline the first time an
   * empty list is seen).
   * @param requests what to score; channel lists are validated against the layer
   * @param options `memo: false` for masks that will not recur (random draws) so they are not kept
   * @returns one {@link LogitScores} per request, aligned with its `images`
   * @throws if a channel index is invalid (naming it and the layer's channel count) or an image index is out of range
   */
  async score(requests: readonly ScoreRequest[], options: { memo?: boolean } = {}): Promise<LogitScores[]> {
    const ev = this.evaluator;
    const n = ev.numImages;
    const keep = this.useMemo && (options.memo ?? true);
    const keys = requests.map((r) => maskKey(r.channels));
    // One mask row per distinct key that has something left to evaluate; `slot[row][image]` is the
    // index of that pair in the evaluator call (-1: not sent).
    const rowOf = new Map<string, number>();
    const rowLists: (readonly number[])[] = [];
    const rowKeys: string[] = [];
    const slot: Int32Array[] = [];
    const pairMask: number[] = [], pairImage: number[] = [];
    requests.forEach((r, q) => {
      for (const i of r.images) {
        if (!(Number.isInteger(i) && i >= 0 && i < n)) throw new Error(`MaskScorer: image index ${i} is not in [0, ${n})`);
      }
      const key = keys[q];
      const e = this.memo.get(key);
      let row = rowOf.get(key);
      for (const i of r.images) {
        if (e && e.done[i]) continue;
        if (row === undefined) {
          row = rowLists.length; rowOf.set(key, row); rowLists.push(r.channels); rowKeys.push(key);
          slot.push(new Int32Array(n).fill(-1));
        }
        if (slot[row][i] >= 0) continue;
        slot[row][i] = pairMask.length;
        pairMask.push(row); pairImage.push(i);
      }
    });
    let fresh: LogitScores = { correct: new Uint8Array(0), trueProb: new Float32Array(0) };
    if (pairMask.length) {
      const masks = maskMatrix(rowLists, ev.channelCount, { layerName: ev.layerName });
      fresh = await ev.evaluate(masks, { mask: Int32Array.from(pairMask), image: Int32Array.from(pairImage) });
      this.pairsEvaluated += pairMask.length;
      // The unablated baseline (empty key) is always kept: every variant reuses it.
      rowKeys.forEach((key, row) => {
        if (!(key === '' || keep)) return;
        const e = this.entry(key);
        const s = slot[row];
        for (let i = 0; i < n; i++) {
          const t = s[i];
          if (t >= 0) { e.done[i] = 1; e.correct[i] = fresh.correct[t]; e.trueProb[i] = fresh.trueProb[t]; }
        }
      });
    }
    return requests.map((r, q) => {
      const e = this.memo.get(keys[q]);
      const row = rowOf.get(keys[q]);
      const correct = new Uint8Array(r.images.length), trueProb = new Float32Array(r.images.length);
      r.images.forEach((i, t) => {
        if (e && e.done[i]) { correct[t] = e.correct[i]; trueProb[t] = e.trueProb[i]; return; }
        const at = slot[row as number][i];
        correct[t] = fresh.correct[at]; trueProb[t] = fresh.trueProb[at];
      });
      return { correct, trueProb };
    });
  }
}
