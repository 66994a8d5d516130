/**
 * Markdown output computed in a notebook cell (e.g. a reading of a results table generated from
 * its numbers), shown with tslab's display; outside a tslab kernel it is printed.
 */

/**
 * Shows markdown text in the current tslab cell, or prints it outside a kernel.
 * @param text markdown
 */
export function showMarkdown(text: string): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tslab = require('tslab') as typeof import('tslab');
    tslab.display.markdown(text);
    return;
  } catch (e) {
    if (e instanceof Error && !/not ready|cannot find module/i.test(e.message)) throw e;
  }
  process.stdout.write(text + '\n');
}
