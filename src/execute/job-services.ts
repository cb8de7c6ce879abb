import type { ExecutionSection } from '../config/schema.js';
import type { ShardConfig } from '../review/shards.js';
import type { ExecutionChannel } from './channel.js';

/**
 * What the execute-sql and rollback jobs get through their JobContext (`ctx.services.execution`),
 * built once per worker process by src/wiring: the `execution` settings of dbops.yml and the channel
 * Slack's Pause/Resume/Cut-over arrive by. Without a channel an online ALTER, which needs a DBA's
 * cut-over, is refused.
 */
export interface ExecutionServices {
  settings: ExecutionSection;
  /** dbops.yml's `review.shards`: a change naming a sharded table runs on each of its shards. */
  shards?: ShardConfig;
  channel: ExecutionChannel | null;
  /** How often a running online ALTER reads Slack's requests (ms). */
  pollMs?: number;
}
