/**
 * The tuner of a notebook extraction run: its transactions at the largest k, patch windows and
 * images, handed to the tuning widget.
 */
import type { ImageSet } from '../data/fashion-mnist';
import { topKItems } from '../transactions/store';
import type { Displayable } from '../widgets/displayable';
import { tunerWidget, type TunerWidgetOptions } from '../widgets/tuner';
import { namedSupport, tunerDefaults, type TunerParams } from '../widgets/tuner/params';
import type { SupportThreshold } from '../mining/support';
import { runStore, type ExtractionRun } from './pipeline';
import { imageStackOf } from './views';

/** Starting parameters of {@link runTuner}: a notebook's parameters (support as in `mineExtraction`). */
export interface RunTunerParams {
  k?: number;
  minSupport?: SupportThreshold;
  minConfidence?: number;
  topN?: number;
  maxLength?: number;
  /** The largest k the controls offer (default: the largest of `ks`, else 25). */
  maxK?: number;
  /** The k values extracted (their largest is the default `maxK`). */
  ks?: readonly number[];
}

/**
 * The tuning widget for an extraction run.
 * @param run the run (see `runExtraction`)
 * @param data the images it was extracted from (for the patches in context)
 * @param params starting parameters (a notebook's parameter object works as it is)
 * @param options image quantisation and cap, library mode
 * @throws naming the value when a parameter is impossible (e.g. k above the layer's filters)
 */
export function runTuner(run: Pick<ExtractionRun, 'dir' | 'model' | 'layer'>, data: Pick<ImageSet, 'images' | 'width' | 'height' | 'classNames' | 'channels'>, params: RunTunerParams = {}, options: TunerWidgetOptions = {}): Displayable {
  const store = runStore(run);
  const maxK = params.maxK ?? (params.ks && params.ks.length ? Math.max(...params.ks) : 25);
  if (!(Number.isInteger(maxK) && maxK >= 1 && maxK <= store.nFilters)) {
    throw new Error(`runTuner: maxK = ${maxK} is not a whole number in [1, ${store.nFilters}] (the filters of ${run.layer})`);
  }
  const p: TunerParams = {
    k: params.k ?? tunerDefaults.k,
    minSupport: namedSupport(params.minSupport ?? tunerDefaults.minSupport),
    minConfidence: params.minConfidence ?? tunerDefaults.minConfidence,
    topN: params.topN ?? tunerDefaults.topN,
    maxLength: params.maxLength === undefined ? tunerDefaults.maxLength : params.maxLength === Infinity ? null : params.maxLength,
  };
  const best = topKItems(store, [maxK]).get(maxK)!;
  const items = new Int32Array(best.length * maxK);
  best.forEach((row, i) => items.set(row, i * maxK));
  const c = store.columns;
  return tunerWidget({
    classNames: data.classNames, nFilters: store.nFilters, maxK, items, labels: c.label,
    windows: { image: c.image, x: c.x, y: c.y, size: c.size },
    images: imageStackOf(data),
    params: p, title: `${run.model} at ${run.layer}`,
  }, options);
}
