import { randomUUID } from 'node:crypto';
import type { App, RespondFn, SlashCommand } from '@slack/bolt';
import { isDbopsError } from '../../kernel/errors.js';
import { closest } from '../../text/closest.js';
import { decodeSlackEscapes } from '../../text/mrkdwn.js';
import type { Command, CommandDeps, Invocation } from '../command.js';
import type { Message } from '../views/blocks.js';
import { internalErrorMessage, plainMessage, unknownVerbMessage, usageMessage } from '../views/help.js';

export const SLASH_COMMAND = '/dbops';

/** Split `/dbops` text into its verb and the rest: `review SELECT 1` → ['review', 'SELECT 1']. */
export function splitVerb(text: string): { verb: string; rest: string } {
  const trimmed = text.trim();
  const match = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!match) return { verb: 'help', rest: '' };
  return { verb: match[1].toLowerCase(), rest: match[2] };
}

/** One listener for /dbops: ack first, then find the verb in the registry and run it. */
export function registerSlashCommand(app: App, deps: CommandDeps): void {
  app.command(SLASH_COMMAND, async ({ ack, command, respond }) => {
    await ack();
    await dispatch(command, respond, deps);
  });
}

export async function dispatch(command: SlashCommand, respond: RespondFn, deps: CommandDeps): Promise<void> {
  // Slack escapes &, < and > in what people type; commands get the text as typed, and views escape it again.
  const { verb, rest } = splitVerb(decodeSlackEscapes(command.text));
  const invocation = toInvocation(command, respond);
  const target = deps.commands.find((c) => c.verb === verb);
  const log = deps.logger.child({ verb, user: command.user_id, channel: command.channel_id });
  if (!target) {
    const verbs = deps.commands.map((c) => c.verb);
    await invocation.respond(unknownVerbMessage(verb, closest(verb, verbs), verbs));
    return;
  }
  const parsed = target.args.safeParse(rest);
  if (!parsed.success) {
    const problem = parsed.error.issues.map((issue) => issue.message).join('; ');
    await invocation.respond(usageMessage(target, problem));
    return;
  }
  await runCommand(target, parsed.data, invocation, deps, log);
}

export async function runCommand(
  target: Command,
  args: unknown,
  invocation: Invocation,
  deps: CommandDeps,
  log: CommandDeps['logger'],
): Promise<void> {
  try {
    await target.run(args, invocation, deps);
  } catch (err) {
    if (isDbopsError(err) && err.code !== 'internal') {
      await invocation.respond(plainMessage(`:warning: ${err.message}`));
      return;
    }
    const reference = randomUUID().slice(0, 8);
    log.error('command failed', { reference }, err);
    await invocation
      .respond(internalErrorMessage(reference))
      .catch((e: unknown) => log.error('could not tell the user about a failure', { reference }, e));
  }
}

function toInvocation(command: SlashCommand, respond: RespondFn): Invocation {
  return {
    userId: command.user_id,
    channelId: command.channel_id,
    teamId: command.team_id,
    triggerId: command.trigger_id,
    respond: (message: Message, options) =>
      respond({ text: message.text, blocks: message.blocks, response_type: options?.visibility ?? 'ephemeral' }).then(
        () => undefined,
      ),
  };
}
