/**
 * Snapshot testing of widget specs (vega-lite / plotly JSON) with rounded numbers, so a change in a
 * chart shows up in review as a diff of test/widgets/__snapshots__/<name>.json.
 * Missing snapshots are written on first run; UPDATE_SNAPSHOTS=1 rewrites them all. Under CI=true a
 * snapshot never writes itself: a missing one fails, and UPDATE_SNAPSHOTS=1 is refused.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IN_CI } from '../helpers';

/** The snapshot folder in the source tree (tests run from dist/test/widgets). */
export const snapshotDir = path.resolve(__dirname, '../../../test/widgets/__snapshots__');

/** Rounds every number in a JSON value to `digits` significant digits (keys sorted for stability). */
export function roundForSnapshot(value: unknown, digits = 6): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? Number(value.toPrecision(digits)) : String(value);
  if (Array.isArray(value)) return value.map((v) => roundForSnapshot(v, digits));
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, (v) => roundForSnapshot(v, digits));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = roundForSnapshot(v, digits);
    }
    return out;
  }
  return value;
}

/**
 * Compares `value` (rounded) with the stored snapshot `name`, writing it when missing or when
 * UPDATE_SNAPSHOTS=1, except under CI=true, where both are failures.
 * @param options `ci`: behave as under CI=true (default: whether CI=true)
 * @returns 'written' or 'matched'.
 */
export function matchSnapshot(name: string, value: unknown, options: { ci?: boolean } = {}): 'written' | 'matched' {
  const file = path.join(snapshotDir, `${name}.json`);
  const text = JSON.stringify(roundForSnapshot(value), null, 2) + '\n';
  const ci = options.ci ?? IN_CI;
  if (ci && process.env.UPDATE_SNAPSHOTS === '1') throw new Error(`snapshot ${name}: UPDATE_SNAPSHOTS=1 under CI=true; snapshots are updated on a developer machine and committed`);
  if (ci && !fs.existsSync(file)) throw new Error(`snapshot ${name} is missing (${file}); under CI=true a snapshot must be committed, not written by the run`);
  if (process.env.UPDATE_SNAPSHOTS === '1' || !fs.existsSync(file)) {
    fs.mkdirSync(snapshotDir, { recursive: true });
    fs.writeFileSync(file, text);
    return 'written';
  }
  const stored = fs.readFileSync(file, 'utf8');
  assert.equal(text, stored, `snapshot ${name} changed (rerun with UPDATE_SNAPSHOTS=1 if intended): ${file}`);
  return 'matched';
}
