import * as assert from 'node:assert/strict';
import { escapeHtml, jsonForScript } from '../../src/widgets';
import { evilClass } from './fixtures';

describe('widgets/escape', () => {
  it('escapeHtml replaces the five markup characters', () => {
    assert.equal(escapeHtml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&#39;');
    assert.equal(escapeHtml(evilClass), '&lt;img src=x onerror=alert(1)&gt;');
  });

  it('escapeHtml turns null/undefined into empty text and stringifies others', () => {
    assert.equal(escapeHtml(null), '');
    assert.equal(escapeHtml(undefined), '');
    assert.equal(escapeHtml(12), '12');
  });

  it('jsonForScript cannot close the script and round-trips', () => {
    const v = { name: '</script><script>alert(1)</script>', c: evilClass, amp: 'a&b', ls: 'x\u2028y\u2029z', cmt: '<!-- x -->' };
    const s = jsonForScript(v);
    assert.ok(!/[<>&\u2028\u2029]/.test(s), s);
    assert.deepEqual(JSON.parse(s), v);
    // Also a valid JavaScript expression with the same value.
    assert.deepEqual(new Function(`return ${s};`)(), v);
  });

  it('jsonForScript rejects non-serialisable values', () => {
    assert.throws(() => jsonForScript(undefined), /not JSON-serialisable/);
  });
});
