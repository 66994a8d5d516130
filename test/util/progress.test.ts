import * as assert from 'node:assert/strict';
import { formatProgress, formatDuration, progressReporter } from '../../src/util/progress';

describe('util/progress', () => {
  it('formats durations', () => {
    assert.equal(formatDuration(42), '42s');
    assert.equal(formatDuration(185), '3m05s');
    assert.equal(formatDuration(3720), '1h02m');
    assert.equal(formatDuration(NaN), '?');
  });
  it('formats a progress line', () => {
    assert.equal(formatProgress({ label: 'epoch 1/2', done: 5, total: 10, figures: { loss: 0.5 }, imagesPerSecond: 99.6, etaSeconds: 61 }, 10),
      'epoch 1/2 [====>     ] 5/10 loss 0.5000 100 img/s ETA 1m01s');
    assert.equal(formatProgress({ label: 'x', done: 10, total: 10 }, 4), 'x [====] 10/10');
  });
  it('writes a line at most every logEverySeconds when not a TTY, and always at the end', () => {
    const out: string[] = [];
    let t = 0;
    const p = progressReporter({ write: (s: string) => out.push(s) }, { logEverySeconds: 10, now: () => t });
    const state = (done: number) => ({ label: 'e', done, total: 3 });
    p.update(state(1)); t = 5_000; p.update(state(2)); t = 11_000; p.update(state(2)); p.end(state(3));
    assert.equal(out.length, 3);
    assert.ok(out.every((s) => s.endsWith('\n')));
  });
  it('redraws in place on a TTY', () => {
    const out: string[] = [];
    const p = progressReporter({ write: (s: string) => out.push(s), isTTY: true });
    p.update({ label: 'e', done: 1, total: 2 });
    assert.ok(out[0].startsWith('\r') && !out[0].endsWith('\n'));
  });
});
