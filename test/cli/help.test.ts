/** The commands' --help texts: each option is described on one line of its own, once. */
import * as assert from 'node:assert/strict';
import '../../src/cli/commands';
import { listCommands } from '../../src/cli/registry';

describe('cli/help', () => {
  it('lists every option of every command once', () => {
    const commands = listCommands();
    assert.ok(commands.some((c) => c.name === 'train'), 'the train command is registered');
    for (const c of commands) {
      // Option lines start with two spaces and the option name.
      const options = [...c.usage.matchAll(/^ {2}(--[a-z][a-z-]*)/gm)].map((m) => m[1]);
      assert.ok(options.length > 0, `${c.name}: no option lines in its usage`);
      const repeated = options.filter((o, i) => options.indexOf(o) !== i);
      assert.deepEqual(repeated, [], `${c.name} --help lists ${repeated.join(', ')} more than once`);
    }
    assert.ok(commands.find((c) => c.name === 'train')!.usage.includes('--init-from DIR'));
  });
});
