/**
 * Browser side: the tuner's charts as SVG text (no chart library): rules scatter, filters per class
 * and the class x filter matrix. Every text is escaped; an empty input gives a message instead.
 */
import { escapeHtml } from '../../escape';
import { formatNumber } from '../../format';

/** Class colours (Tableau 10), repeated beyond ten classes. */
export const classColours = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const colourOf = (c: number): string => classColours[c % classColours.length];
const SPECIFIC = '#d62728', SHARED = '#7f7f7f';

/** Round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** An empty-result message in place of a chart. */
export function emptyChart(title: string, message: string): string {
  return `<figure class="fm-tuner-chart fm-empty" data-marks="0"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<p style="color:#a00;font:13px sans-serif;margin:8px 0">${escapeHtml(message)}</p></figure>`;
}

/** A rule point of the scatter. */
export interface ScatterRule { class: number; antecedent: readonly number[]; support: number; confidence: number }

/**
 * Support x confidence of the kept rules, coloured by class, sized by filters; each point carries
 * `data-rule` (its index) for clicks.
 */
export function rulesScatterSvg(rules: readonly ScatterRule[], classNames: readonly string[], selected: number): string {
  const title = 'kept rules: support x confidence (click a point for its patches)';
  if (rules.length === 0) return emptyChart(title, 'No rule passes these thresholds: lower the minimum support or confidence, or raise k.');
  const W = 460, H = 260, L = 48, R = 10, T = 10, B = 36;
  let smin = Infinity, smax = -Infinity;
  for (const r of rules) { smin = Math.min(smin, r.support); smax = Math.max(smax, r.support); }
  if (smin === smax) { smin -= 1; smax += 1; }
  const cmin = Math.min(...rules.map((r) => r.confidence));
  const ylo = Math.max(0, Math.floor(cmin * 10) / 10 - 0.05);
  const sx = (v: number): number => L + ((v - smin) / (smax - smin)) * (W - L - R);
  const sy = (v: number): number => T + (1 - (v - ylo) / (1 - ylo)) * (H - T - B);
  const parts: string[] = [];
  for (const t of ticks(smin, smax)) parts.push(`<line x1="${sx(t)}" x2="${sx(t)}" y1="${T}" y2="${H - B}" stroke="#eee"/><text x="${sx(t)}" y="${H - B + 14}" text-anchor="middle">${formatNumber(t)}</text>`);
  for (const t of ticks(ylo, 1, 4)) parts.push(`<line x1="${L}" x2="${W - R}" y1="${sy(t)}" y2="${sy(t)}" stroke="#eee"/><text x="${L - 4}" y="${sy(t) + 4}" text-anchor="end">${formatNumber(t)}</text>`);
  parts.push(`<text x="${(L + W - R) / 2}" y="${H - 4}" text-anchor="middle">support (patches of the class holding the filters)</text>`);
  parts.push(`<text transform="translate(12 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">confidence P(class | filters)</text>`);
  rules.forEach((r, i) => {
    const rad = 2.5 + 1.5 * r.antecedent.length;
    const sel = i === selected;
    parts.push(`<circle class="fm-mark" data-rule="${i}" cx="${sx(r.support).toFixed(1)}" cy="${sy(r.confidence).toFixed(1)}" r="${rad}" fill="${colourOf(r.class)}" fill-opacity="0.75"` +
      ` stroke="${sel ? '#000' : 'none'}" stroke-width="2" style="cursor:pointer"><title>${escapeHtml(`${classNames[r.class] ?? r.class}: {${r.antecedent.join(', ')}}, support ${r.support}, confidence ${r.confidence.toFixed(3)}`)}</title></circle>`);
  });
  const present = [...new Set(rules.map((r) => r.class))].sort((a, b) => a - b);
  const legend = present.map((c) => `<span style="white-space:nowrap;margin-right:8px"><span style="display:inline-block;width:9px;height:9px;border-radius:50%;background:${colourOf(c)}"></span> ${escapeHtml(classNames[c] ?? String(c))}</span>`).join(' ');
  return `<figure class="fm-tuner-chart" data-chart="rules" data-marks="${rules.length}"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" style="font:10px sans-serif">${parts.join('')}</svg>` +
    `<div style="font:11px sans-serif">${legend}; larger points hold more filters</div></figure>`;
}

/** A class's filter counts. */
export interface ClassFilterCount { cls: number; specific: number; shared: number }

/** Horizontal stacked bars: class-specific (red) and class-shared (grey) filters per class. */
export function filtersPerClassSvg(rows: readonly ClassFilterCount[], classNames: readonly string[]): string {
  const title = 'filters per class: class-specific (red) and class-shared (grey)';
  const max = Math.max(0, ...rows.map((r) => r.specific + r.shared));
  if (max === 0) return emptyChart(title, 'No class has a kept rule, so no class has filters.');
  const L = 110, W = 420, step = 18, H = rows.length * step + 24;
  const sx = (v: number): number => (v / max) * (W - L - 30);
  const parts: string[] = [];
  let marks = 0;
  rows.forEach((r, i) => {
    const y = i * step + 4;
    parts.push(`<text x="${L - 6}" y="${y + 11}" text-anchor="end">${escapeHtml(classNames[r.cls] ?? String(r.cls))}</text>`);
    if (r.specific) { parts.push(`<rect class="fm-mark" x="${L}" y="${y}" width="${sx(r.specific)}" height="${step - 4}" fill="${SPECIFIC}"/>`); marks++; }
    if (r.shared) { parts.push(`<rect class="fm-mark" x="${L + sx(r.specific)}" y="${y}" width="${sx(r.shared)}" height="${step - 4}" fill="${SHARED}"/>`); marks++; }
    parts.push(`<text x="${L + sx(r.specific + r.shared) + 4}" y="${y + 11}">${r.specific} + ${r.shared}</text>`);
  });
  parts.push(`<text x="${L}" y="${H - 4}">filters (specific + shared)</text>`);
  return `<figure class="fm-tuner-chart" data-chart="filters" data-marks="${marks}"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" style="font:10px sans-serif">${parts.join('')}</svg></figure>`;
}

/** One filter used by kept rules. */
export interface MatrixFilter { filter: number; classes: readonly number[]; supports: readonly number[] }

/**
 * The class x filter matrix: a cell per (class, filter) used by the class's rules, red when the
 * filter is specific to the class, grey when shared; darker = more support.
 */
export function classFilterMatrixSvg(filters: readonly MatrixFilter[], classIds: readonly number[], classNames: readonly string[]): string {
  const title = 'class x filter: specific (red) and shared (grey); darker = more support';
  if (filters.length === 0) return emptyChart(title, 'No filter is in a kept rule.');
  const L = 110, T = 8, step = Math.max(3, Math.min(12, Math.floor(520 / filters.length))), rowH = 14;
  const W = L + filters.length * step + 10, H = T + classIds.length * rowH + 30;
  const row = new Map(classIds.map((c, i) => [c, i]));
  let smax = 1;
  for (const f of filters) for (const s of f.supports) smax = Math.max(smax, s);
  const parts: string[] = [];
  classIds.forEach((c, i) => parts.push(`<text x="${L - 6}" y="${T + i * rowH + 10}" text-anchor="end">${escapeHtml(classNames[c] ?? String(c))}</text>`));
  let marks = 0;
  filters.forEach((f, j) => {
    const shared = f.classes.length > 1;
    f.classes.forEach((c, q) => {
      const i = row.get(c);
      if (i === undefined) return;
      const op = 0.35 + 0.65 * (f.supports[q] / smax);
      parts.push(`<rect class="fm-mark" x="${L + j * step}" y="${T + i * rowH}" width="${Math.max(1, step - 1)}" height="${rowH - 1}" fill="${shared ? SHARED : SPECIFIC}" fill-opacity="${op.toFixed(2)}">` +
        `<title>${escapeHtml(`filter ${f.filter}, ${classNames[c] ?? c}: support ${f.supports[q]}; used by ${f.classes.length} class${f.classes.length > 1 ? 'es' : ''}`)}</title></rect>`);
      marks++;
    });
  });
  const every = Math.ceil(filters.length / Math.floor((W - L) / 22));
  filters.forEach((f, j) => { if (j % every === 0) parts.push(`<text x="${L + j * step + step / 2}" y="${T + classIds.length * rowH + 12}" text-anchor="middle">${f.filter}</text>`); });
  parts.push(`<text x="${L}" y="${H - 4}">filters used by a kept rule (${filters.length})</text>`);
  return `<figure class="fm-tuner-chart" data-chart="matrix" data-marks="${marks}"><figcaption>${escapeHtml(title)}</figcaption>` +
    `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" style="font:10px sans-serif">${parts.join('')}</svg></figure>`;
}
