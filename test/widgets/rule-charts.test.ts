import * as assert from 'node:assert/strict';
import {
  classFilterMatrix, classFilterMatrixSpec, filtersPerClassChart, filtersPerClassSpec, rulesScatter, rulesScatterSpec,
  type ClassFilterRow,
} from '../../src/widgets';
import { classFilterRows, deepFreeze, evilClass, ruleRows } from './fixtures';
import { matchSnapshot } from './snapshot';

type Spec = { data: { values: Array<Record<string, unknown>> }; encoding: Record<string, { sort?: unknown }> };

describe('widgets/rule-charts', () => {
  it('specs match their snapshots', () => {
    matchSnapshot('rules-scatter', rulesScatterSpec(ruleRows(), { title: 'rules' }));
    matchSnapshot('filters-per-class', filtersPerClassSpec(classFilterRows()));
    matchSnapshot('class-filter-matrix', classFilterMatrixSpec(classFilterRows()));
  });

  it('scatter data carries antecedents as "12 · 40 · 7" and their length', () => {
    const spec = rulesScatterSpec(ruleRows()) as Spec;
    assert.deepEqual(spec.data.values[0], { class: 'T-shirt', antecedent: '12 · 40 · 7', filters: 3, support: 31, confidence: 0.82 });
  });

  it('matrix counts the classes sharing each filter and sorts filters numerically', () => {
    const spec = classFilterMatrixSpec(classFilterRows()) as Spec;
    const byFilter = new Map(spec.data.values.map((v) => [`${v.class}/${v.filter}`, v.classes]));
    assert.equal(byFilter.get('T-shirt/40'), 2);
    assert.equal(byFilter.get('Bag/5'), 2);
    assert.equal(byFilter.get('T-shirt/12'), 1);
    assert.deepEqual(spec.encoding.x.sort, [3, 5, 7, 9, 12, 40]);
    assert.deepEqual(spec.encoding.y.sort, ['T-shirt', 'Bag', evilClass]);
  });

  it('rejects inconsistent or malformed rows', () => {
    const rows: ClassFilterRow[] = [
      { class: 'a', filter: 1, kind: 'specific', support: 2 },
      { class: 'b', filter: 1, kind: 'shared', support: 2 },
    ];
    assert.throws(() => classFilterMatrixSpec(rows), /row 0 .*marked 'specific' but appears in 2 classes/);
    assert.throws(() => filtersPerClassSpec([rows[1], rows[1]]), /row 1 .*duplicate/);
    assert.throws(() => filtersPerClassSpec([{ ...rows[1], kind: 'other' as 'shared' }]), /kind must be/);
    assert.throws(() => rulesScatterSpec([{ class: 'a', antecedent: [], support: 1, confidence: 0.5 }]), /antecedent must be/);
    assert.throws(() => rulesScatterSpec([{ class: 'a', antecedent: [1], support: 1, confidence: 1.5 }]), /confidence must be in \[0, 1\]/);
    assert.throws(() => rulesScatterSpec([]), /no rules/);
  });

  it('does not mutate its inputs', () => {
    const r = deepFreeze(ruleRows()), c = deepFreeze(classFilterRows());
    const before = JSON.stringify([r, c]);
    rulesScatterSpec(r);
    filtersPerClassSpec(c);
    classFilterMatrixSpec(c);
    assert.equal(JSON.stringify([r, c]), before);
  });

  it('renders static SVGs with marks, and class names only as escaped text', async function () {
    this.timeout(20000);
    const outs = [await rulesScatter(ruleRows()), await filtersPerClassChart(classFilterRows()), await classFilterMatrix(classFilterRows())];
    for (const d of outs) {
      assert.ok(d.svg?.startsWith('<svg'), 'svg');
      assert.match(d.svg as string, /<g class="mark-(symbol|rect)[^"]*"[^>]*>.*?<path/s, 'marks drawn');
      assert.ok(d.html.includes('data-fm-kind="vega-lite"'));
      assert.ok(!d.html.includes('<img src=x'), 'no raw markup');
      assert.ok(d.html.includes('\\u003cimg src=x onerror=alert(1)\\u003e'), 'spec JSON escapes <');
    }
  });
});
