/**
 * The option vocabulary shared by every `filtermine` command, and its parsing helpers. One name
 * per thing, in every command:
 *   --model NAME|DIR|FILE.onnx   the model          --run DIR           an extraction run folder
 *   --transactions FILE          a transactions CSV  --images DIR        an image folder
 *   --preset NAME                input preprocessing --classes FILE      class names in output order
 *   --layer NAME  --k LIST  --top-n N  --batch-size N  --chunk-size N  --seed S  --limit N  --out DIR
 * Older spellings (`--top`, `--batch`, `--chunk`, `evaluate --transactions DIR`) still work and
 * print a deprecation warning.
 */
import * as fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** The option definitions of a command (as `node:util` parseArgs takes them). */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** Old option name -> current name. */
export type OptionAliases = Record<string, string>;

/**
 * Rewrites deprecated option names to their current names, warning once per name on `warn`.
 * @param argv the arguments
 * @param aliases old name -> new name (without dashes)
 */
export function applyAliases(command: string, argv: readonly string[], aliases: OptionAliases, warn: (line: string) => void = (l) => process.stderr.write(l)): string[] {
  const warned = new Set<string>();
  return argv.map((a) => {
    const m = /^--([^=]+)(=.*)?$/.exec(a);
    const to = m ? aliases[m[1]] : undefined;
    if (!m || !to) return a;
    if (!warned.has(m[1])) { warn(`${command}: --${m[1]} is deprecated; use --${to}\n`); warned.add(m[1]); }
    return `--${to}${m[2] ?? ''}`;
  });
}

/**
 * `node:util` parseArgs with deprecated aliases and errors that name the command and list its options.
 * @throws naming an unknown option or a missing value, with the command's known options
 */
export function parseCommandArgs<T extends CommandOptions>(
  command: string, argv: readonly string[], options: T, aliases: OptionAliases = {},
): { values: { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string }; positionals: string[] } {
  try {
    const r = parseArgs({ args: applyAliases(command, argv, aliases), options, strict: true, allowPositionals: true });
    if (r.positionals.length > 0) throw new Error(`unexpected argument '${r.positionals[0]}'`);
    return r as unknown as { values: { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string }; positionals: string[] };
  } catch (e) {
    const known = Object.keys(options).map((o) => `--${o}`).join(' ');
    throw new Error(`${command}: ${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')}\n  options: ${known}\n  (filtermine ${command} --help for details)`);
  }
}

/** An integer option, or undefined when absent. @throws naming the option */
export function intOption(command: string, name: string, v: string | undefined, min = Number.MIN_SAFE_INTEGER): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < min) throw new Error(`${command}: --${name} must be an integer${min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : ''}, got '${v}'`);
  return n;
}

/** A finite number option, or undefined when absent. @throws naming the option */
export function numberOption(command: string, name: string, v: string | undefined, min = -Infinity): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min) throw new Error(`${command}: --${name} must be a number${min > -Infinity ? ` >= ${min}` : ''}, got '${v}'`);
  return n;
}

/** `--k 5,10,25` -> [5, 10, 25]. @throws naming the option */
export function parseKList(command: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const ks = text.split(',').map((s) => Number(s.trim()));
  if (!ks.length || ks.some((k) => !Number.isInteger(k) || k < 1)) throw new Error(`${command}: --k must be a comma-separated list of positive integers, got '${text}'`);
  return ks;
}

/**
 * Checks that `p` is what an option expects before anything reads it, so the user sees which
 * option is wrong instead of a system error code (ENOENT, EISDIR, ENOTDIR).
 * @param kind `file` or `folder`
 * @throws naming the option, the path and what was expected
 */
export function requirePath(command: string, option: string, p: string, kind: 'file' | 'folder', expected: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new Error(`${command}: ${option} '${p}' does not exist; expected ${expected}`);
  }
  if (kind === 'file' && st.isDirectory()) throw new Error(`${command}: ${option} '${p}' is a folder; expected ${expected}`);
  if (kind === 'folder' && !st.isDirectory()) throw new Error(`${command}: ${option} '${p}' is a file; expected ${expected}`);
}

/**
 * An error message fit for a terminal: control characters and undecodable bytes (e.g. from a binary
 * file quoted in a parser's message) become `?`, and very long messages are cut.
 */
export function printableMessage(message: string, max = 4000): string {
  // eslint-disable-next-line no-control-regex
  const clean = message.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffd]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}... (${clean.length - max} more characters)` : clean;
}
