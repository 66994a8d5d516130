/**
 * The command registry of the `filtermine` CLI. Each command lives in its own module under
 * `src/cli/commands/` and registers itself; names are unique.
 */
import { createRegistry } from '../util/registry';

/** One CLI command. */
export interface CommandDef {
  /** The word after `filtermine`, e.g. `mine`. */
  name: string;
  /** One line for `filtermine --help`. */
  summary: string;
  /** Full usage text for `filtermine NAME --help`. */
  usage: string;
  /** Runs the command with the arguments after its name; resolves to the process exit code. */
  run(argv: string[]): Promise<number>;
}

const commands = createRegistry<CommandDef>('command', { registerName: 'registerCommand' });

/**
 * Registers a command.
 * @throws if a command of that name exists and `override` is not set
 */
export function registerCommand(def: CommandDef, options: { override?: boolean } = {}): void {
  commands.register(def.name, def, options);
}

/** The registered command of that name, or undefined. */
export function getCommand(name: string): CommandDef | undefined {
  return commands.find(name);
}

/** All registered commands, sorted by name. */
export function listCommands(): CommandDef[] {
  return commands.values();
}
