/**
 * Driving the tuner widget in a page (tests and the benchmark): wait for it, move a control the
 * way a user does (an 'input' event), read its counts, chart marks and messages.
 */
import * as assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { launchOffline } from './check-page';

/** What the tuner shows. */
export interface TunerState {
  /** Re-minings done so far. */
  runs: number;
  /** The counts of the last result (data attributes of the status line). */
  counts: { rules: number; filters: number; specificFilters: number; sharedFilters: number; filterSets: number; groups: number };
  /** Data marks per chart (rules, filters, matrix); 0 for an empty-result message. */
  marks: Record<string, number>;
  /** Rows of each table, by caption. */
  tables: number[];
  /** The refusal message, '' when none. */
  error: string;
  /** The line to paste into the parameters cell. */
  paste: string;
  /** Milliseconds of the last re-mining as the page measured it. */
  ms: number;
  /** Texts of empty-result messages. */
  empty: string[];
}

/** Waits until the `index`-th tuner of the page is mounted; throws with its state if it failed. */
export async function waitForTuner(page: Page, index = 0, timeoutMs = 60000): Promise<void> {
  await page.waitForFunction((i) => {
    const el = document.querySelectorAll('[data-fm-kind="tuner"]')[i];
    return !!el && ['done', 'error', 'no-library'].includes(el.getAttribute('data-fm-state') ?? '');
  }, index, { timeout: timeoutMs });
  const state = await page.evaluate((i) => {
    const el = document.querySelectorAll('[data-fm-kind="tuner"]')[i];
    return `${el.getAttribute('data-fm-state')}: ${el.querySelector('.fm-live')?.textContent?.slice(0, 300)}`;
  }, index);
  if (!state.startsWith('done')) throw new Error(`tuner ${index} did not start: ${state}`);
}

/** Sets a control (by name) of the `index`-th tuner and fires 'input', as a user's edit does. */
export async function setTunerControl(page: Page, name: string, value: string | number, index = 0): Promise<void> {
  await page.evaluate(([n, v, i]) => {
    const root = document.querySelectorAll('[data-fm-kind="tuner"]')[i as number];
    const el = root.querySelector(`[name="${n}"]`) as HTMLInputElement | HTMLSelectElement | null;
    if (!el) throw new Error(`no tuner control named ${n}`);
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, [name, value, index] as const);
}

/** Reads the `index`-th tuner's state. */
export async function readTuner(page: Page, index = 0): Promise<TunerState> {
  return page.evaluate((i) => {
    const root = document.querySelectorAll('[data-fm-kind="tuner"]')[i];
    const status = root.querySelector('.fm-tuner-status') as HTMLElement;
    const num = (k: string): number => Number(status.getAttribute(`data-${k}`));
    const marks: Record<string, number> = {};
    for (const f of Array.from(root.querySelectorAll('.fm-tuner-charts > figure'))) {
      const name = f.getAttribute('data-chart') ?? `empty-${Object.keys(marks).length}`;
      marks[name] = f.querySelectorAll('.fm-mark').length;
    }
    return {
      runs: Number(root.querySelector('[data-fm-runs]')?.getAttribute('data-fm-runs')),
      counts: { rules: num('rules'), filters: num('filters'), specificFilters: num('specificFilters'), sharedFilters: num('sharedFilters'), filterSets: num('filterSets'), groups: num('groups') },
      marks,
      tables: Array.from(root.querySelectorAll('.fm-tuner-table')).map((t) => Number(t.getAttribute('data-rows'))),
      error: (root.querySelector('.fm-tuner-error') as HTMLElement).textContent ?? '',
      paste: (root.querySelector('.fm-tuner-paste') as HTMLElement).textContent ?? '',
      ms: Number(root.querySelector('[data-fm-ms]')?.getAttribute('data-fm-ms')),
      empty: Array.from(root.querySelectorAll('.fm-tuner-chart.fm-empty p')).map((p) => p.textContent ?? ''),
    };
  }, index);
}

/**
 * Opens a published notebook page that holds a tuner (file://, network blocked), checks that it
 * mined something, moves k and checks that the tuner re-mined with another result.
 */
export async function checkPublishedTuner(htmlPath: string): Promise<void> {
  const b = await launchOffline({ width: 1200, height: 1000 });
  try {
    await b.page.goto(pathToFileURL(htmlPath).href);
    await waitForTuner(b.page, 0, 120000);
    const first = await readTuner(b.page);
    assert.ok(first.counts.rules > 0, JSON.stringify(first));
    await setTunerControl(b.page, 'k', 3);
    const second = await readTuner(b.page);
    assert.equal(second.runs, first.runs + 1);
    assert.notDeepEqual(second.counts, first.counts, 'k = 3 changes the result');
    assert.deepEqual(b.blockedRequests, []);
    assert.deepEqual(b.consoleErrors, []);
  } finally {
    await b.close();
  }
}
