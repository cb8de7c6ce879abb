import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { it } from 'node:test';
import { commands } from '../../../commands/index.js';

const COMMANDS_DIR = new URL('../../../commands/', import.meta.url).pathname;

it('the /dbops registry lists exactly the command files, one verb each, named like its file', () => {
  const files = readdirSync(COMMANDS_DIR)
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  assert.deepEqual(commands.map((c) => c.verb).sort(), files);
  assert.equal(new Set(commands.map((c) => c.verb)).size, commands.length, 'duplicate verb');
});

it('every command documents its usage with an example that starts with its verb', () => {
  for (const command of commands) {
    assert.ok(command.usage.startsWith(command.verb), command.verb);
    assert.ok(command.example.startsWith(command.verb), command.verb);
    assert.ok(command.summary.length > 20, command.verb);
  }
});
