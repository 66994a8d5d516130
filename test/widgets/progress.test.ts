import * as assert from 'node:assert/strict';
import { progressBar, progressHtml, progressText, stderrProgressSink, type ProgressBarState } from '../../src/widgets';
import { evilClass } from './fixtures';

function recorder() {
  const updates: Array<[ProgressBarState, boolean]> = [];
  return { updates, sink: { update: (s: ProgressBarState, f: boolean) => void updates.push([s, f]) } };
}

describe('widgets/progress', () => {
  it('updates at most every minIntervalMs and always shows the final state', () => {
    let t = 1000;
    const { updates, sink } = recorder();
    const bar = progressBar(10, { label: 'cam', sink, now: () => t, minIntervalMs: 100 });
    assert.equal(updates.length, 1, 'initial render');
    bar.tick(); // same instant: throttled
    assert.equal(updates.length, 1);
    t += 150;
    bar.tick(4);
    assert.equal(updates.length, 2);
    assert.deepEqual(updates[1][0], { label: 'cam', done: 5, total: 10, elapsedMs: 150, finished: false });
    bar.done();
    assert.equal(updates.length, 3);
    assert.equal(updates[2][1], true);
    assert.equal(updates[2][0].finished, true);
    bar.done();
    assert.equal(updates.length, 3, 'done() is idempotent');
    assert.throws(() => bar.tick(), /tick\(\) after done\(\)/);
  });

  it('renders text with percent, counts and time left', () => {
    const s: ProgressBarState = { label: 'patches', done: 5, total: 20, elapsedMs: 3000, finished: false };
    assert.equal(progressText(s, 20), 'patches [#####---------------] 25% 5/20 3s elapsed, ~9s left');
    assert.equal(progressText({ ...s, done: 20, finished: true }, 4), 'patches [####] 100% 20/20 done in 3s');
    assert.equal(progressText({ ...s, total: 0, done: 0 }, 2), 'patches [##] 100% 0/0 done in 3s');
  });

  it('renders html with an escaped label and the bar width', () => {
    const html = progressHtml({ label: evilClass, done: 1, total: 4, elapsedMs: 0, finished: false });
    assert.ok(!html.includes('<img src=x') && html.includes('&lt;img'));
    assert.ok(html.includes('width:25.0%'));
  });

  it('rejects bad totals and ticks', () => {
    const { sink } = recorder();
    assert.throws(() => progressBar(-1, { sink }), /total must be a non-negative integer/);
    assert.throws(() => progressBar(2, { sink }).tick(-1), /finite n >= 0/);
  });

  it('stderr sink prints one line per 10% step when not a terminal', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => void lines.push(s) } as unknown as NodeJS.WriteStream;
    let t = 0;
    const bar = progressBar(100, { sink: stderrProgressSink(stream), now: () => t, minIntervalMs: 0 });
    for (let i = 0; i < 100; i++) {
      t += 10;
      bar.tick();
    }
    bar.done();
    assert.equal(lines.length, 1 + 10 + 1, lines.join(''));
    assert.match(lines[lines.length - 1], /100% 100\/100 done in 1s/);
  });
});
