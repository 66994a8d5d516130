/**
 * `npm run bench [-- NAME ...]`: runs every benchmark module in this folder (or the named ones).
 * A benchmark module exports `run(): Promise<void>` and prints its own medians and ratios.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const available = fs.readdirSync(__dirname)
    .filter((f) => f.endsWith('.js') && f !== 'run.js' && !f.startsWith('_'))
    .map((f) => f.slice(0, -3)).sort();
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; available: ${available.join(', ')}`);
  for (const name of wanted.length ? wanted : available) {
    process.stdout.write(`\n=== bench/${name} ===\n`);
    const mod = await import(path.join(__dirname, `${name}.js`)) as { run?: () => Promise<void> };
    if (typeof mod.run !== 'function') throw new Error(`bench/${name} does not export run()`);
    await mod.run();
  }
}

main().catch((e: unknown) => { process.stderr.write(`bench: ${e instanceof Error ? e.stack : String(e)}\n`); process.exitCode = 1; });
