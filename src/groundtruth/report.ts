/**
 * The benchmark's result as text tables (for the terminal and the README) and as files: every
 * table as CSV and JSON through the mining table writer, plus the whole result as `report.json`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { aq } from '../util/arquero';
import { saveMiningTables } from '../mining/save';
import { writeFileAtomic } from '../util/files';
import { DEFAULT_USED_PART_MIN_IMAGES } from './measures';
import type { GroundTruthBenchmark } from './benchmark';

const pct = (x: number) => (Number.isFinite(x) ? (x * 100).toFixed(1) : '-');

/** A Markdown table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * The benchmark's main tables in Markdown: the explanation measures per CAM method, the filter-set
 * measures per source (percentages), and the parts the model uses per class.
 */
export function formatBenchmark(r: GroundTruthBenchmark): string {
  const expl = markdownTable(
    ['CAM method', 'images', 'pointing game %', 'random window %', 'kept patches', 'on a class part %', 'on a distractor %', 'on no part %'],
    r.explanation.map((e) => [e.method, e.images, pct(e.pointing), pct(e.chance), e.patches, pct(e.share), pct(e.patches ? e.onDistractor / e.patches : NaN), pct(e.patches ? e.onNothing / e.patches : NaN)]),
  );
  const src = markdownTable(
    ['filters', 'per class', 'precision %', 'recall %', 'precision (used parts) %', 'recall (used parts) %', 'specific/shared agreement %', 'judged'],
    r.sources.map((s) => [s.source, s.filtersPerClass.toFixed(1), pct(s.precision), pct(s.recall), pct(s.precisionUsed), pct(s.recallUsed), pct(s.agreement), s.judged.toFixed(1)]),
  );
  const selective = r.filterParts.filter((f) => f.part !== null).length;
  const used = r.classNames.map((c, i) => `${c}: ${r.usedParts[i].join(', ') || '(none alone)'}`).join('; ');
  return [
    `- model ${r.model} at ${r.layer}: accuracy ${pct(r.accuracy)}% on ${r.miningImages + r.heldOutImages} images (${r.miningImages} mining, ${r.heldOutImages} held out)`,
    `- ${selective} of ${r.filterParts.length} filters are selective for a part (score >= ${r.options.selectivityThreshold})`,
    `- parts the model uses (probability drop >= ${r.options.usedPartDrop} when removed, over at least ${DEFAULT_USED_PART_MIN_IMAGES} images): ${used}`,
    '', expl, '', src,
  ].join('\n');
}

/**
 * Writes `report.json` (the whole result) and the tables explanation, sources, perClass,
 * importance and filters as CSV + JSON into `dir`.
 * @returns the files written
 */
export async function writeBenchmarkReport(dir: string, r: GroundTruthBenchmark): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const report = path.join(dir, 'report.json');
  writeFileAtomic(report, JSON.stringify(r, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1) + '\n');
  const written = await saveMiningTables(dir, {
    explanation: aq.from(r.explanation), sources: aq.from(r.sources), perClass: aq.from(r.perClass),
    importance: aq.from(r.importance), filters: aq.from(r.filterParts),
  });
  return [report, ...written];
}
