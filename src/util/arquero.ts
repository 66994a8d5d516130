/**
 * The one place filtermine loads arquero (column tables) and flechette (arquero's Arrow library).
 *
 * arquero 8 is an ES module; this package compiles to CommonJS, and Node loads ES modules through
 * `require` from 20.19 (and 22.12) on, which is what the compiled import below becomes (hence
 * `engines` in package.json). TypeScript (module `node16`, tsc 5.0) still reports TS1479 for that
 * import, so the suppressions live here and every other module imports `aq` and `ColumnTable`
 * from this file.
 */
// @ts-ignore TS1479: arquero is ESM; Node >= 20.19 `require`s it (see the note above)
import * as aqModule from 'arquero';

/** The arquero namespace (`aq.table`, `aq.from`, `aq.toCSV`, ...). */
export const aq = aqModule;

/** An arquero column table: the table type of every filtermine result (transactions, rules, ablation rows). */
export type ColumnTable = ReturnType<typeof aqModule.table>;

// flechette (pinned in package.json) has a CommonJS build; only its type declarations are ESM-only.
// @ts-ignore TS1479
export { float32, int32, list } from '@uwdata/flechette';
