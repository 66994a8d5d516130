/**
 * Private bridge to arquero for the mining area. arquero 8 is an ES module; this package compiles
 * to CommonJS, and Node >= 20.19 loads ES modules through `require`, which is what the compiled
 * import below becomes. TypeScript (module `node16`, and the tslab-pinned tsc 5.0 that
 * `npx tsc` resolves to here) still reports TS1479 for that import, so the one suppression lives
 * here and every other mining module imports `aq` and `ColumnTable` from this file.
 */
// @ts-ignore TS1479: arquero is ESM; Node >= 20.19 `require`s it (see the note above)
import * as aqModule from 'arquero';

/** The arquero namespace (`aq.table`, `aq.from`, `aq.toCSV`, ...). */
export const aq = aqModule;

/** An arquero column table, the result type of every mining step. */
export type ColumnTable = ReturnType<typeof aqModule.table>;
