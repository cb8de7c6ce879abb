import type { App, RespondFn, SlackCommandMiddlewareArgs, SlashCommand } from '@slack/bolt';
import { closest } from '../../text/closest.js';
import { decodeSlackEscapes } from '../../text/mrkdwn.js';
import type { CommandDeps, Invocation } from '../command.js';
import { guarded, type Scope } from './guard.js';
import type { Message } from '../../text/blocks.js';
import { unknownVerbMessage, usageMessage } from '../views/help.js';

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
  app.command(
    SLASH_COMMAND,
    guarded<SlackCommandMiddlewareArgs>({ what: 'command', logger: deps.logger }, async ({ command, respond }, scope) =>
      dispatch(command, respond, deps, scope),
    ),
  );
}

/** Find the verb, check its arguments, run it; what it throws is answered by the listener's guard. */
async function dispatch(command: SlashCommand, respond: RespondFn, deps: CommandDeps, scope: Scope): Promise<void> {
  // Slack escapes &, < and > in what people type; commands get the text as typed, and views escape it again.
  const { verb, rest } = splitVerb(decodeSlackEscapes(command.text));
  const invocation = toInvocation(command, respond);
  const target = deps.commands.find((c) => c.verb === verb);
  Object.assign(scope.fields, { verb, user: command.user_id, channel: command.channel_id });
  scope.tell = (message) => invocation.respond(message);
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
  await target.run(parsed.data, invocation, deps);
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
