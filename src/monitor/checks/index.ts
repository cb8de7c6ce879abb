import type { Check } from '../types.js';
import { connections } from './connections.js';
import { deadlocks } from './deadlocks.js';
import { down } from './down.js';
import { historyList } from './history-list.js';
import { longTransactions } from './long-transactions.js';
import { replicaLag } from './replica-lag.js';
import { replication } from './replication.js';
import { role } from './role.js';
import { schemaSize } from './schema-size.js';
import { threadsRunning } from './threads-running.js';

/** Every monitor, one file each; the registry test checks it against the files here and MONITOR_CHECKS. */
export const checks: readonly Check[] = [
  down,
  replication,
  replicaLag,
  threadsRunning,
  connections,
  longTransactions,
  deadlocks,
  historyList,
  schemaSize,
  role,
];

export function checkById(id: string): Check | undefined {
  return checks.find((c) => c.id === id);
}
