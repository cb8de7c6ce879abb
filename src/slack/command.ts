import type { z } from 'zod';
import type { Diagnostics } from '../diagnose/service.js';
import type { SwitchoverPlanner } from '../ha/planner.js';
import type { Inventory } from '../inventory/service.js';
import type { AlertService } from '../monitor/alert-service.js';
import type { TicketAnnouncer } from './ticket-announcer.js';
import type { Message } from '../text/blocks.js';
import type { Notifier } from './notifier.js';
import type { RequestDeps } from '../requests/deps.js';

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
export interface CommandDeps extends RequestDeps {
  slack: Notifier;
  /** Approval messages, ticket threads, the requester's DMs and the App Home. */
  announcer: TicketAnnouncer;
  /** Every registered command, for help and suggestions. */
  commands: readonly Command[];
  /** Firing alerts, acknowledgements and silences (src/monitor/). */
  alerts: AlertService;
  /** Live facts about the clusters (topology, schemas, tables): commands read targets only through it. */
  inventory: Inventory;
  /** `/dbops top`, `slow` and `space`, and Kill (src/diagnose/): they read targets only through it. */
  diagnostics: Diagnostics;
  /** `/dbops switchover`'s survey and plan of a cluster (src/ha/); absent where HA is not wired. */
  ha?: SwitchoverPlanner;
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
export function defineCommand<S extends z.ZodType<unknown, string>>(
  command: Command<z.output<S>> & { args: S },
): Command {
  return command as unknown as Command;
}
