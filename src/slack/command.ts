import type { z } from 'zod';
import type { DbopsConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { Reviewer } from '../review/service.js';
import type { Message } from './views/blocks.js';
import type { Notifier } from './notifier.js';

/** Who typed the command and where; the router builds it from Slack's payload after ack. */
export interface Invocation {
  userId: string;
  channelId: string;
  teamId?: string;
  triggerId?: string;
  /** Answer through the command's response_url (works in any channel, even without the bot in it). */
  respond(message: Message, options?: { visibility?: 'ephemeral' | 'in_channel' }): Promise<void>;
}

/** What commands may use. Commands never talk to target databases directly (STYLE.md §7). */
export interface CommandDeps {
  config: DbopsConfig;
  slack: Notifier;
  reviewer: Reviewer;
  logger: Logger;
  /** Every registered command, for help and suggestions. */
  commands: readonly Command[];
}

export interface Command<A = unknown> {
  verb: string;
  /** Syntax after `/dbops`, e.g. `review [cluster.schema] <sql>`. */
  usage: string;
  summary: string;
  example: string;
  /** Parses the text after the verb; a failure is shown to the user with the usage. */
  args: z.ZodType<A, string>;
  run(args: A, invocation: Invocation, deps: CommandDeps): Promise<void>;
}

/** Declare a command with its argument type inferred from the zod schema. */
export function defineCommand<S extends z.ZodType<unknown, string>>(command: Command<z.output<S>> & { args: S }): Command {
  return command as unknown as Command;
}
