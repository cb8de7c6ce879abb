import { ExecutionSection } from '../config/schema.js';
import type { ExecutionChannel } from './channel.js';

/**
 * What the execute-sql and rollback jobs need beyond their JobContext: the `execution` settings of
 * dbops.yml and the channel Slack's Pause/Resume/Cut-over arrive by. The worker's runtime provides
 * them once at start (`provideExecutionServices`); without that, defaults apply and there is no
 * channel (an online ALTER, which needs a DBA's cut-over, is then refused).
 */
export interface ExecutionServices {
  settings: ExecutionSection;
  channel: ExecutionChannel | null;
  /** How often a running online ALTER reads Slack's requests (ms). */
  pollMs?: number;
}

let provided: ExecutionServices | null = null;

export function provideExecutionServices(services: ExecutionServices): void {
  provided = services;
}

export function executionServices(): ExecutionServices {
  return provided ?? { settings: ExecutionSection.parse({}), channel: null };
}
