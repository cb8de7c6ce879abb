import type { Command } from '../src/slack/command.js';
import { accounts } from './accounts.js';
import { alerts } from './alerts.js';
import { backup } from './backup.js';
import { backups } from './backups.js';
import { cancel } from './cancel.js';
import { clusters } from './clusters.js';
import { exec } from './exec.js';
import { grant } from './grant.js';
import { grants } from './grants.js';
import { help } from './help.js';
import { migrate } from './migrate.js';
import { meta } from './meta.js';
import { retry } from './retry.js';
import { restore } from './restore.js';
import { review } from './review.js';
import { revoke } from './revoke.js';
import { rollback } from './rollback.js';
import { run } from './run.js';
import { runbooks } from './runbooks.js';
import { ticket } from './ticket.js';
import { tickets } from './tickets.js';
import { slow } from './slow.js';
import { space } from './space.js';
import { switchover } from './switchover.js';
import { top } from './top.js';

/** Every /dbops verb; help is generated from this list. The registry test checks it against the files here. */
export const commands: readonly Command[] = [
  review,
  exec,
  ticket,
  tickets,
  cancel,
  retry,
  rollback,
  migrate,
  run,
  runbooks,
  clusters,
  meta,
  alerts,
  top,
  slow,
  space,
  switchover,
  grant,
  grants,
  revoke,
  accounts,
  backup,
  backups,
  restore,
  help,
];
