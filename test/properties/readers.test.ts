/**
 * Property tests (fast-check, fixed seeds, bounded runs) of the transaction readers: what the
 * writers produce reads back exactly, with sparse ids up to 2^31-1, CRLF line ends, blank lines and
 * quoted fields; any other text either parses into valid transactions or fails with an Error whose
 * message is one short line (never another exception, never a hang).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkTransactions, fromFimi, fromTransactionsCsv, transactionCount, type Transactions } from '../../src/mining';
import { PROPERTY_RUNS } from './settings';

const MAX_ID = 0x7fffffff;
const itemId = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: MAX_ID }));
const row = fc.record({
  patch: fc.integer({ min: 0, max: MAX_ID }),
  cls: fc.integer({ min: 0, max: 1000 }),
  items: fc.uniqueArray(itemId, { maxLength: 8 }),
});

function rows(tx: Transactions): Array<{ id: number; cls: number; items: number[] }> {
  return Array.from({ length: transactionCount(tx) }, (_, t) => ({
    id: tx.ids ? tx.ids[t] : t, cls: tx.classes[t], items: Array.from(tx.items.subarray(tx.offsets[t], tx.offsets[t + 1])),
  }));
}

/** An Error with a short one-line message, as every reader failure must be. */
function assertShortError(e: unknown): void {
  assert.ok(e instanceof Error, `threw a non-Error: ${String(e)}`);
  assert.ok(e.message.length < 400 && !e.message.includes('\n'), `message of ${e.message.length} characters: ${e.message.slice(0, 200)}`);
}

describe('properties: transaction readers', () => {
  it('CSV: written rows read back exactly (quoted fields, CRLF, extra columns)', () => {
    fc.assert(fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), fc.boolean(), fc.boolean(), (rs, quote, crlf) => {
      const q = (s: string) => (quote ? `"${s}"` : s);
      const lines = ['patch,class,note,items', ...rs.map((r) => `${r.patch},${q(String(r.cls))},"a ""b"", c",${q(r.items.join(' '))}`)];
      const tx = fromTransactionsCsv(lines.join(crlf ? '\r\n' : '\n') + '\n');
      assert.deepEqual(rows(tx), rs.map((r) => ({ id: r.patch, cls: r.cls, items: r.items })));
      checkTransactions(tx);
    }), PROPERTY_RUNS);
  });

  it('FIMI: written lines read back exactly, blank lines skipped, ids = line numbers', () => {
    fc.assert(fc.property(fc.array(fc.option(fc.uniqueArray(itemId, { minLength: 1, maxLength: 8 }), { nil: null }), { maxLength: 20 }), (ls) => {
      const text = ls.map((l) => (l ? l.join(' ') : '   ')).join('\n');
      const tx = fromFimi(text);
      const want = ls.map((l, i) => ({ l, i })).filter(({ l }) => l).map(({ l, i }) => ({ id: i + 1, cls: 0, items: l! }));
      assert.deepEqual(rows(tx), want);
      checkTransactions(tx);
    }), PROPERTY_RUNS);
  });

  it('any text: the readers return valid transactions or throw a short Error', () => {
    const noisy = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: fc.constantFrom('0', '1', '9', ' ', ',', '"', '\n', '\r', '-', 'x', '\u0000', '\u00e9'), maxLength: 200 }),
      fc.array(row, { maxLength: 5 }).map((rs) => ['patch,class,items', ...rs.map((r) => `${r.patch},${r.cls},${r.items.join(' ')}`)].join('\n')),
    );
    fc.assert(fc.property(noisy, fc.nat(), fc.string({ maxLength: 3 }), (text, at, insert) => {
      const mutated = text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1));
      for (const read of [fromFimi, (t: string) => fromTransactionsCsv(t)]) {
        let tx: Transactions | undefined;
        try { tx = read(mutated); } catch (e) { assertShortError(e); }
        if (tx) checkTransactions(tx);
      }
    }), { ...PROPERTY_RUNS, numRuns: 400 });
  });
});
