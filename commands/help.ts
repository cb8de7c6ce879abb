import { z } from 'zod';
import { defineCommand } from '../src/slack/command.js';
import { helpMessage } from '../src/slack/views/help.js';

export const help = defineCommand({
  verb: 'help',
  usage: 'help',
  summary: 'List every dbops command with its syntax and an example.',
  example: 'help',
  args: z.string(),
  async run(_args, invocation, deps) {
    await invocation.respond(helpMessage(deps.commands));
  },
});
