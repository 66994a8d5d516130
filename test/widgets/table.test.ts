import * as assert from 'node:assert/strict';
import { tableHtml, tableView } from '../../src/widgets';
import { evilClass } from './fixtures';

type Aq = { from(rows: object[]): Parameters<typeof tableHtml>[0] & { orderby(c: string): Parameters<typeof tableHtml>[0] } };

const rows = [
  { class: evilClass, antecedent: [12, 40, 7], support: 31, confidence: 0.8234567 },
  { class: 'Bag', antecedent: new Int32Array([5, 40]), support: 1234567, confidence: 0.5 },
  { class: 'Coat', antecedent: [3], support: null, confidence: 1 },
];

/** The markup without style attributes, for readable assertions. */
const plain = (html: string): string => html.replace(/ style="[^"]*"/g, '');

describe('widgets/table', () => {
  it('renders header, escaped cells, formatted numbers and arrays', () => {
    const styled = tableHtml(rows);
    const html = plain(styled);
    assert.ok(html.includes('<th>class</th><th>antecedent</th><th>support</th><th>confidence</th>'), html.slice(0, 600));
    // Numeric columns (support, confidence) are right-aligned, text columns left-aligned.
    const headStyles = [...styled.matchAll(/<th style="([^"]*)"/g)].map((m) => /text-align:right/.test(m[1]));
    assert.deepEqual(headStyles, [false, false, true, true]);
    assert.ok(html.includes('<td>&lt;img src=x onerror=alert(1)&gt;</td><td>12 · 40 · 7</td>'));
    assert.ok(html.includes('>0.8235</td>'));
    assert.ok(html.includes('>1,234,567</td>'));
    assert.ok(html.includes('<td>5 · 40</td>'));
    assert.ok(!html.includes('<img src=x'));
    assert.ok(html.includes('3 rows × 4 columns'));
    assert.ok(!html.includes('more rows'));
  });

  it('cuts long tables with "… N more rows" and honours columns and caption', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ i, name: `n${i}` }));
    const html = plain(tableHtml(many, { maxRows: 10, columns: ['name'], caption: '<b>top</b>' }));
    assert.equal((html.match(/<tr>/g) ?? []).length, 1 + 10 + 1);
    assert.ok(html.includes('… 15 more rows'));
    assert.ok(!html.includes('<td>0</td>'), 'column i left out');
    assert.ok(html.includes('&lt;b&gt;top&lt;/b&gt; · '));
    assert.throws(() => tableHtml(many, { columns: ['nope'] }), /no column 'nope'; columns are i, name/);
    assert.throws(() => tableHtml(many, { maxRows: -1 }), /maxRows/);
    assert.throws(() => tableHtml(42 as unknown as object[]), /expected an arquero table/);
  });

  it('renders arquero tables in their order, with the total row count', async () => {
    const aq = (await import('arquero')) as unknown as Aq;
    const t = aq.from([{ a: 3, b: 'x' }, { a: 1, b: '<y>' }, { a: 2, b: 'z' }]).orderby('a');
    const html = plain(tableView(t, { maxRows: 2 }).html);
    assert.ok(html.indexOf('&lt;y&gt;') < html.indexOf('>z<'), 'ordered by a');
    assert.ok(html.includes('… 1 more rows'));
    assert.ok(html.includes('3 rows × 2 columns'));
  });
});
