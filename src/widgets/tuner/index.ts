/**
 * The tuning widget: one call in a notebook cell gives controls for k, minimum support (a count or a
 * fraction of the class), minimum confidence, top-N and maximum length; the page re-mines with
 * filtermine's own mining code compiled for the browser and redraws the rules chart, filters per
 * class, the class x filter matrix, the specific/shared tables and the patches of a clicked rule or
 * group. Works in a live notebook and in the published HTML opened from disk (no kernel, no network).
 */
import { createHash } from 'node:crypto';
import { libraryScripts } from '../bundles';
import type { Displayable } from '../displayable';
import { escapeHtml, jsonForScript } from '../escape';
import { formatNumber } from '../format';
import { encodeTunerData, type TunerData, type TunerDataOptions, type TunerInput } from './data';
import { tunerParamsLine } from './params';

export { encodeTunerData, type TunerData, type TunerDataOptions, type TunerInput } from './data';
export { checkTunerParams, namedSupport, tunerDefaults, tunerParamsLine, type TunerParams } from './params';

/** Options of {@link tunerWidget}. */
export interface TunerWidgetOptions extends TunerDataOptions {
  /**
   * 'inline' (default): the output carries the tuner's browser code (about 35 KB, guarded so a page
   * loads it once); 'shared': rely on `show(widgetsSetup())` earlier in the notebook.
   */
  library?: 'inline' | 'shared';
}

/** Browser code mounting the tuner in the first not-yet-mounted container with this id. */
function mountScript(id: string): string {
  return `(function () {
  var els = document.querySelectorAll('[data-fm-id="${id}"]'), el = null;
  for (var i = 0; i < els.length; i++) if (!els[i].getAttribute('data-fm-state')) { el = els[i]; break; }
  if (!el) return;
  el.setAttribute('data-fm-state', 'waiting');
  var tries = 0;
  (function start() {
    if (typeof window.filtermineTuner === 'undefined') {
      if (++tries < 30) { setTimeout(start, 100); return; }
      el.setAttribute('data-fm-state', 'no-library');
      el.querySelector('.fm-live').textContent = 'The tuner needs its script: show(widgetsSetup()) earlier in the notebook, or a trusted notebook.';
      return;
    }
    window.filtermineTuner.mount(el);
  })();
})();`;
}

/**
 * The tuner widget.
 * @param input what to tune (see {@link TunerInput}), or data already encoded
 * @param options image quantisation, image cap, library mode
 * @returns `{html}`: the data as JSON, a static summary shown where scripts do not run, and the
 *   mount script
 * @throws naming the bad value when the initial parameters or the data are out of range
 */
export function tunerWidget(input: TunerInput | TunerData, options: TunerWidgetOptions = {}): Displayable {
  const data = 'format' in input ? input : encodeTunerData(input, options);
  const json = jsonForScript(data);
  const id = 'fm-tuner-' + createHash('sha1').update(json).digest('hex').slice(0, 16);
  const lib = options.library === 'shared' ? '' : libraryScripts('tuner') + '\n';
  const summary = `${escapeHtml(data.title)}: ${formatNumber(data.n)} patches, ${data.classNames.length} classes, ` +
    `k up to ${data.maxK} of ${data.nFilters} filters. Start: <code>${escapeHtml(tunerParamsLine(data.params))}</code>. ` +
    `The interactive tuner needs JavaScript (a trusted notebook, or the published HTML page).`;
  return {
    html: lib +
      `<div class="fm-widget fm-tuner-widget" data-fm-kind="tuner" data-fm-id="${id}">` +
      `<script type="application/json" class="fm-tuner-data">${json}</script>` +
      `<div class="fm-live"></div><div class="fm-static" style="font:12px sans-serif;color:#555">${summary}</div>` +
      `<script>${mountScript(id)}</script></div>`,
  };
}
