/**
 * The one place filtermine's transactions load arquero and flechette (Arrow types).
 *
 * arquero 8 is an ES module; this CommonJS build loads it with `require`, which Node supports
 * for ES modules from 20.19 (require(esm)). TypeScript's `module: Node16` still flags that
 * (TS1479), hence the single suppression below; the types are checked as usual.
 */
// @ts-ignore TS1479: require(esm) of arquero, supported by Node >= 20.19
export * as aq from 'arquero';
// flechette (arquero's Arrow library, pinned to 2.6.0 by package.json overrides) has a CommonJS
// build; only its type declarations are ESM-only.
// @ts-ignore TS1479
export { float32, int32, list } from '@uwdata/flechette';
