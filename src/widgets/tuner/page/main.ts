/**
 * Browser entry of the tuner (compiled by esbuild into one script, `window.filtermineTuner`):
 * reads the embedded data, builds the controls, re-mines with filtermine's own mining code on every
 * change and redraws the charts, tables and the patches of a clicked rule or group.
 */
import { prepareMining, type MiningContext } from '../../../mining/context';
import { minePaperCore, type PaperCoreResult } from '../../../mining/paper-core';
import { describeSupport } from '../../../mining/support';
import { escapeHtml } from '../../escape';
import { formatNumber } from '../../format';
import type { TunerData } from '../data';
import { checkTunerParams, tunerParamsLine, type TunerParams } from '../params';
import { decodeTuner, transactionsAtK, type DecodedTuner } from './decode';
import { classFilterMatrixSvg, colourOf, filtersPerClassSvg, rulesScatterSvg } from './svg';

/** A re-mining result with its timings. */
export interface TunerRun {
  params: TunerParams;
  result: PaperCoreResult;
  /** Milliseconds: building the transactions and index of k (0 when cached), mining, and both. */
  prepareMs: number;
  mineMs: number;
  totalMs: number;
}

/** Mines decoded data for one parameter set (the index of each k is kept for the next call). */
export function mineTuner(d: DecodedTuner, params: TunerParams, contexts: Map<number, MiningContext> = new Map()): TunerRun {
  const o = checkTunerParams(params, d.data.maxK, `the largest k shipped with this page (${d.data.maxK})`);
  const t0 = performance.now();
  let ctx = contexts.get(params.k);
  if (!ctx) {
    ctx = prepareMining(transactionsAtK(d, params.k));
    contexts.clear(); // one k at a time: the index of k = 25 over 20,000 patches is a few MB
    contexts.set(params.k, ctx);
  }
  const t1 = performance.now();
  const result = minePaperCore(ctx, { ...o, groups: true });
  const t2 = performance.now();
  return { params, result, prepareMs: t1 - t0, mineMs: t2 - t1, totalMs: t2 - t0 };
}

const css = `
.fm-tuner{font:13px sans-serif;color:#222}
.fm-tuner .fm-tuner-controls{display:flex;flex-wrap:wrap;gap:6px 18px;align-items:center;margin:6px 0;padding:6px;background:#f6f6f6;border-radius:4px}
.fm-tuner label{white-space:nowrap}
.fm-tuner input[type=number]{width:5.5em}
.fm-tuner .fm-tuner-grid{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.fm-tuner figure{margin:4px 0}
.fm-tuner figcaption{font-weight:bold;font-size:12px;margin-bottom:2px}
.fm-tuner table{border-collapse:collapse;font-size:12px}
.fm-tuner td,.fm-tuner th{padding:1px 6px;border-bottom:1px solid #e5e5e5;text-align:left}
.fm-tuner td.num{text-align:right;font-variant-numeric:tabular-nums}
.fm-tuner tr[data-group]{cursor:pointer}
.fm-tuner tr[data-group]:hover{background:#eef}
.fm-tuner .fm-tuner-error{color:#a00;font-weight:bold}
.fm-tuner .fm-tuner-paste{display:block;background:#f0f0f0;padding:4px;margin:4px 0;user-select:all}
.fm-tuner .fm-tiles{display:flex;flex-wrap:wrap;gap:4px}
.fm-tuner .fm-tiles figure{margin:0;font-size:10px;text-align:center}
`;

function control(label: string, input: string): string {
  return `<label>${escapeHtml(label)} ${input}</label>`;
}

function tableHtml(caption: string, head: string[], rows: string[][], numeric: boolean[], rowAttrs: string[] = [], more = 0): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r, i) => `<tr ${rowAttrs[i] ?? ''}>${r.map((c, j) => `<td${numeric[j] ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  const empty = rows.length === 0 ? `<tr><td colspan="${head.length}" style="color:#666">none at these thresholds</td></tr>` : '';
  const foot = more > 0 ? `<tr><td colspan="${head.length}" style="color:#666;font-style:italic">… ${more} more</td></tr>` : '';
  return `<figure class="fm-tuner-table" data-rows="${rows.length + more}"><figcaption>${escapeHtml(caption)}</figcaption><table><thead><tr>${th}</tr></thead><tbody>${body}${empty}${foot}</tbody></table></figure>`;
}

/** The live tuner inside one container. */
class Tuner {
  private params: TunerParams;
  private readonly contexts = new Map<number, MiningContext>();
  private last: TunerRun | null = null;
  private selected: { kind: 'rule' | 'group'; index: number } | null = null;
  private runs = 0;
  private readonly q: (sel: string) => HTMLElement;

  constructor(private readonly el: HTMLElement, private readonly d: DecodedTuner) {
    this.params = { ...d.data.params, minSupport: { ...d.data.params.minSupport } };
    this.q = (sel: string) => el.querySelector(sel) as HTMLElement;
  }

  build(): void {
    const { data } = this.d;
    const p = this.params;
    const support = 'count' in p.minSupport ? p.minSupport.count : p.minSupport.fraction;
    this.el.innerHTML = `<style>${css}</style><div class="fm-tuner">` +
      `<div style="font-weight:bold;font-size:14px">${escapeHtml(data.title)}</div>` +
      `<div style="color:#555">${formatNumber(data.n)} patches of ${data.classNames.length} classes, top-${data.maxK} filters of ${data.nFilters} shipped; the page re-mines with filtermine's own code on every change.</div>` +
      `<div class="fm-tuner-controls">` +
      control('k (top filters per patch)', `<input type="range" name="k" min="1" max="${data.maxK}" step="1" value="${p.k}"> <output name="k-out">${p.k}</output>`) +
      control('min support', `<input type="number" name="support" min="0" step="any" value="${support}"> <select name="support-mode"><option value="count"${'count' in p.minSupport ? ' selected' : ''}>patches of the class (count)</option><option value="fraction"${'fraction' in p.minSupport ? ' selected' : ''}>fraction of the class</option></select>`) +
      control('min confidence', `<input type="range" name="confidence" min="0" max="1" step="0.01" value="${p.minConfidence}"> <output name="confidence-out">${p.minConfidence.toFixed(2)}</output>`) +
      control('top-N rules per class', `<input type="number" name="topN" min="1" step="1" value="${p.topN}">`) +
      control('max filters per rule', `<select name="maxLength">${[2, 3, 4, 5, 6].map((v) => `<option value="${v}"${p.maxLength === v ? ' selected' : ''}>${v}</option>`).join('')}<option value="none"${p.maxLength === null ? ' selected' : ''}>no limit (slow)</option></select>`) +
      `</div>` +
      `<div class="fm-tuner-error" role="alert"></div>` +
      `<div class="fm-tuner-status"></div>` +
      `<div>Paste into the notebook's parameters cell: <code class="fm-tuner-paste"></code></div>` +
      `<div class="fm-tuner-grid fm-tuner-charts"></div>` +
      `<div class="fm-tuner-detail"></div>` +
      `<div class="fm-tuner-grid fm-tuner-tables"></div>` +
      `</div>`;
    const onChange = (): void => this.readControls();
    // 'input' fires on every edit of a field, slider move and menu choice (once per change).
    for (const input of Array.from(this.el.querySelectorAll('input, select'))) input.addEventListener('input', onChange);
    this.el.addEventListener('click', (ev) => {
      const t = ev.target as Element;
      const rule = t.closest('[data-rule]');
      const group = t.closest('[data-group]');
      if (rule) this.select({ kind: 'rule', index: Number(rule.getAttribute('data-rule')) });
      else if (group) this.select({ kind: 'group', index: Number(group.getAttribute('data-group')) });
    });
    this.update();
  }

  private value(name: string): string {
    return (this.el.querySelector(`[name="${name}"]`) as HTMLInputElement).value;
  }

  /** Reads the controls; a bad value is refused with a message and nothing is mined. */
  private readControls(): void {
    const mode = this.value('support-mode');
    const sv = Number(this.value('support'));
    const ml = this.value('maxLength');
    const next: TunerParams = {
      k: Number(this.value('k')),
      minSupport: mode === 'fraction' ? { fraction: sv } : { count: sv },
      minConfidence: Number(this.value('confidence')),
      topN: Number(this.value('topN')),
      maxLength: ml === 'none' ? null : Number(ml),
    };
    (this.el.querySelector('[name="k-out"]') as HTMLOutputElement).value = String(next.k);
    (this.el.querySelector('[name="confidence-out"]') as HTMLOutputElement).value = next.minConfidence.toFixed(2);
    this.params = next;
    this.update();
  }

  private update(): void {
    const err = this.q('.fm-tuner-error');
    let run: TunerRun;
    try {
      run = mineTuner(this.d, this.params, this.contexts);
    } catch (e) {
      err.textContent = `Refused: ${e instanceof Error ? e.message : String(e)}`;
      this.el.setAttribute('data-fm-error', err.textContent);
      return;
    }
    err.textContent = '';
    this.el.removeAttribute('data-fm-error');
    this.last = run;
    this.selected = null;
    const t0 = performance.now();
    this.draw();
    const drawMs = performance.now() - t0;
    const c = run.result.counts;
    const status = this.q('.fm-tuner-status');
    const counts: Record<string, number> = {
      rules: c.rules, filters: c.filters, specificFilters: c.specificFilters, sharedFilters: c.sharedFilters,
      filterSets: c.filterSets, groups: c.groups, classesWithRules: c.classesWithRules,
    };
    for (const [k, v] of Object.entries(counts)) status.setAttribute(`data-${k}`, String(v));
    status.innerHTML = `k = ${run.params.k}, min support ${escapeHtml(describeSupport(run.params.minSupport))}, min confidence ${run.params.minConfidence}: ` +
      `<b>${c.rules}</b> rules in ${c.classesWithRules} of ${c.classes} classes, <b>${c.filters}</b> filters (<b>${c.specificFilters}</b> class-specific, <b>${c.sharedFilters}</b> class-shared), ` +
      `${c.filterSets} filter sets, ${c.groups} pattern groups; mined in ${run.totalMs.toFixed(0)} ms, drawn in ${drawMs.toFixed(0)} ms.`;
    this.q('.fm-tuner-paste').textContent = tunerParamsLine(run.params);
    this.runs++;
    this.el.setAttribute('data-fm-runs', String(this.runs));
    this.el.setAttribute('data-fm-ms', run.totalMs.toFixed(2));
    this.el.setAttribute('data-fm-draw-ms', drawMs.toFixed(2));
  }

  private draw(): void {
    const run = this.last as TunerRun;
    const names = this.d.data.classNames;
    const r = run.result;
    const classIds = Array.from({ length: names.length }, (_, i) => i);
    const perClass = classIds.map((cls) => ({ cls, specific: 0, shared: 0 }));
    for (const f of r.filters) for (const c of f.classes) if (perClass[c]) perClass[c][f.kind === 'specific' ? 'specific' : 'shared']++;
    this.q('.fm-tuner-charts').innerHTML =
      rulesScatterSvg(r.rules, names, this.selected?.kind === 'rule' ? this.selected.index : -1) +
      filtersPerClassSvg(perClass, names) +
      classFilterMatrixSvg(r.filters, classIds, names);
    const cname = (c: number): string => names[c] ?? String(c);
    const specific = r.filters.filter((f) => f.kind === 'specific');
    const shared = r.filters.filter((f) => f.kind === 'shared');
    const groups = r.groups.map((g, i) => ({ g, i })).sort((a, b) => b.g.rows.length - a.g.rows.length || a.i - b.i);
    const LIMIT = 15;
    this.q('.fm-tuner-tables').innerHTML =
      tableHtml('class-specific filters (in the rules of one class)', ['filter', 'class', 'support'],
        specific.slice(0, 20).map((f) => [String(f.filter), cname(f.classes[0]), formatNumber(f.supports[0])]), [true, false, true], [], Math.max(0, specific.length - 20)) +
      tableHtml('class-shared filters, with the classes sharing them', ['filter', 'classes', 'supports'],
        shared.slice(0, 20).map((f) => [String(f.filter), f.classes.map(cname).join(' · '), f.supports.map((s) => formatNumber(s)).join(' · ')]), [true, false, false], [], Math.max(0, shared.length - 20)) +
      tableHtml('pattern groups, largest first (click a row for its patches)', ['filters', 'patches', 'mostly', 'purity', 'rules of'],
        groups.slice(0, LIMIT).map(({ g }) => [g.antecedent.join(' · '), formatNumber(g.rows.length), cname(g.majorityClass), `${(100 * g.purity).toFixed(0)}%`, g.ruleClasses.map(cname).join(' · ')]),
        [false, true, false, true, false], groups.slice(0, LIMIT).map(({ i }) => `data-group="${i}"`), Math.max(0, groups.length - LIMIT));
    this.q('.fm-tuner-detail').innerHTML = '';
  }

  private select(s: { kind: 'rule' | 'group'; index: number }): void {
    if (!this.last) return;
    const r = this.last.result;
    const names = this.d.data.classNames;
    let antecedent: readonly number[], caption: string, cls: number;
    if (s.kind === 'rule') {
      const rule = r.rules[s.index];
      if (!rule) return;
      antecedent = rule.antecedent;
      cls = rule.class;
      caption = `rule {${antecedent.join(', ')}} -> ${names[cls] ?? cls}: support ${rule.support}, confidence ${(100 * rule.confidence).toFixed(1)}%`;
    } else {
      const g = r.groups[s.index];
      if (!g) return;
      antecedent = g.antecedent;
      cls = g.majorityClass;
      caption = `group {${antecedent.join(', ')}}: ${g.rows.length} patches, ${(100 * g.purity).toFixed(0)}% ${names[cls] ?? cls}`;
    }
    this.selected = s;
    if (s.kind === 'rule') {
      const charts = this.q('.fm-tuner-charts');
      const fig = charts.querySelector('[data-chart="rules"]');
      if (fig) fig.outerHTML = rulesScatterSvg(r.rules, names, s.index);
    }
    const key = antecedent.join(',');
    const group = r.groups.find((g) => g.antecedent.join(',') === key);
    this.showPatches(group ? group.rows : new Int32Array(0), cls, caption);
  }

  /** Patches in context (image with the window drawn) and the average of their crops. */
  private showPatches(rows: Int32Array, cls: number, caption: string): void {
    const detail = this.q('.fm-tuner-detail');
    const { windows, pixels, data } = this.d;
    if (!windows || !pixels || !data.images) {
      detail.innerHTML = `<p>${escapeHtml(caption)}. This page was built without images, so no patches can be shown.</p>`;
      return;
    }
    const im = data.images;
    const withImage = Array.from(rows).filter((p) => windows.slot[p] >= 0);
    // The rule's own class first, then the others.
    withImage.sort((a, b) => Number(this.d.labels[b] === cls) - Number(this.d.labels[a] === cls) || a - b);
    const shown = withImage.slice(0, 24);
    const scale = Math.max(1, Math.floor(84 / Math.max(im.width, im.height)));
    detail.innerHTML = `<figure><figcaption>${escapeHtml(caption)} - patches in context (${shown.length} of ${rows.length}${withImage.length < rows.length ? `; ${rows.length - withImage.length} without a shipped image` : ''}), box in the class colour</figcaption><div class="fm-tiles"></div></figure>` +
      `<figure class="fm-tuner-average"><figcaption>average of the ${formatNumber(withImage.length)} patches (resized to the largest window)</figcaption></figure>`;
    const tiles = detail.querySelector('.fm-tiles') as HTMLElement;
    const per = im.width * im.height * im.channels;
    const rgba = (slot: number): ImageData => {
      const img = new ImageData(im.width, im.height);
      for (let i = 0; i < im.width * im.height; i++) {
        for (let c = 0; c < 3; c++) img.data[4 * i + c] = pixels[slot * per + i * im.channels + (im.channels === 1 ? 0 : c)];
        img.data[4 * i + 3] = 255;
      }
      return img;
    };
    for (const p of shown) {
      const slot = windows.slot[p];
      const base = document.createElement('canvas');
      base.width = im.width; base.height = im.height;
      (base.getContext('2d') as CanvasRenderingContext2D).putImageData(rgba(slot), 0, 0);
      const cv = document.createElement('canvas');
      cv.width = im.width * scale; cv.height = im.height * scale;
      cv.className = 'fm-patch-context';
      const g = cv.getContext('2d') as CanvasRenderingContext2D;
      g.imageSmoothingEnabled = false;
      g.drawImage(base, 0, 0, cv.width, cv.height);
      g.strokeStyle = colourOf(this.d.labels[p]);
      g.lineWidth = 2;
      g.strokeRect(windows.x[p] * scale + 1, windows.y[p] * scale + 1, windows.size[p] * scale - 2, windows.size[p] * scale - 2);
      const fig = document.createElement('figure');
      fig.appendChild(cv);
      const cap = document.createElement('figcaption');
      cap.textContent = `${data.classNames[this.d.labels[p]] ?? this.d.labels[p]} · image ${im.index[slot]}`;
      fig.appendChild(cap);
      tiles.appendChild(fig);
    }
    if (withImage.length === 0) return;
    let S = 1;
    for (const p of withImage) S = Math.max(S, windows.size[p]);
    const sum = new Float64Array(S * S * 3);
    for (const p of withImage) {
      const slot = windows.slot[p], s = windows.size[p], x0 = windows.x[p], y0 = windows.y[p];
      for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
        const sxp = x0 + Math.floor((x * s) / S), syp = y0 + Math.floor((y * s) / S);
        for (let c = 0; c < 3; c++) sum[(y * S + x) * 3 + c] += pixels[slot * per + (syp * im.width + sxp) * im.channels + (im.channels === 1 ? 0 : c)];
      }
    }
    const avg = new ImageData(S, S);
    for (let i = 0; i < S * S; i++) {
      for (let c = 0; c < 3; c++) avg.data[4 * i + c] = Math.round(sum[i * 3 + c] / withImage.length);
      avg.data[4 * i + 3] = 255;
    }
    const base = document.createElement('canvas');
    base.width = S; base.height = S;
    (base.getContext('2d') as CanvasRenderingContext2D).putImageData(avg, 0, 0);
    const big = document.createElement('canvas');
    const z = Math.max(1, Math.floor(96 / S));
    big.width = S * z; big.height = S * z;
    big.className = 'fm-patch-average';
    const g = big.getContext('2d') as CanvasRenderingContext2D;
    g.imageSmoothingEnabled = false;
    g.drawImage(base, 0, 0, big.width, big.height);
    (detail.querySelector('.fm-tuner-average') as HTMLElement).appendChild(big);
  }
}

/**
 * Mounts the tuner in a container holding a `<script type="application/json" class="fm-tuner-data">`.
 * Sets `data-fm-state` to 'done' (or 'error', with the message in the container).
 */
export async function mount(el: HTMLElement): Promise<void> {
  el.setAttribute('data-fm-state', 'rendering');
  const live = el.querySelector('.fm-live') as HTMLElement;
  try {
    const json = (el.querySelector('script.fm-tuner-data') as HTMLScriptElement).textContent ?? '';
    const decoded = await decodeTuner(JSON.parse(json) as TunerData);
    new Tuner(live, decoded).build();
    const fallback = el.querySelector('.fm-static') as HTMLElement | null;
    if (fallback) fallback.style.display = 'none';
    el.setAttribute('data-fm-state', 'done');
  } catch (e) {
    el.setAttribute('data-fm-state', 'error');
    live.textContent = `The tuner could not start: ${e instanceof Error ? e.message : String(e)}`;
    console.error('filtermine tuner failed:', e);
  }
}

/** Decodes embedded data (for benchmarks and tests driving the miner directly). */
export { decodeTuner };
