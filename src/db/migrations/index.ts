import { m001CommandLog } from './001-command-log.js';
import { m002Tickets } from './002-tickets.js';
import { m003JobRuns } from './003-job-runs.js';
import { m004Rollbacks } from './004-rollbacks.js';
import { m006Monitoring } from './006-monitoring.js';
import { m007TicketSeals } from './007-ticket-seals.js';
import { m008Installation } from './008-installation.js';
import { m009KillLog } from './009-kill-log.js';
import { m010Grants } from './010-grants.js';
import { m011WeeklyDigest } from './011-weekly-digest.js';
import { m030ClusterTopology } from './030-cluster-topology.js';
import { m020Backups } from './020-backups.js';

export interface Migration {
  version: number;
  name: string;
  /** Statements run in order; each should be safe to re-run (IF NOT EXISTS) after a crash mid-way. */
  statements: string[];
}

/** Every meta-store migration, in version order. Add a file and list it here. */
export const migrations: readonly Migration[] = [
  m001CommandLog,
  m002Tickets,
  m003JobRuns,
  m004Rollbacks,
  m006Monitoring,
  m007TicketSeals,
  m008Installation,
  m009KillLog,
  m010Grants,
  m011WeeklyDigest,
  m020Backups,
  m030ClusterTopology,
];
