#!/usr/bin/env node
/** The `filtermine` command line: `filtermine <command> [options]`, `filtermine --help`. */
import './commands/index';
import { getCommand, listCommands } from './registry';
import { describeCliError } from './errors';
import { printableMessage } from './options';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = listCommands().map((c) => `  ${c.name.padEnd(12)} ${c.summary}`);
    process.stdout.write(`usage: filtermine <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nfiltermine <command> --help for a command's options\n`);
    return name ? 0 : 1;
  }
  const cmd = getCommand(name);
  if (!cmd) {
    process.stderr.write(`filtermine: unknown command '${name}'; known commands: ${listCommands().map((c) => c.name).join(', ')}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.usage.endsWith('\n') ? cmd.usage : cmd.usage + '\n');
    return 0;
  }
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`filtermine: ${printableMessage(describeCliError(err))}\n`);
    process.exitCode = 1;
  },
);
