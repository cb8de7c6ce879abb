import type { JobsOptions } from 'bullmq';
import { z } from 'zod';
import { TRIGGERS } from './store.js';

/**
 * Backup jobs. Not ticket jobs: a backup only reads its cluster (nothing to approve); a restore is a
 * ticket (jobs/restore.ts). Listed in jobs/index.ts through jobs/backup.ts. They run on their own queue (`<runner.queue>.backups`, under the
 * installation's prefix) in ./worker.ts: `backup-run`, from each cluster's job scheduler
 * (cron in its time zone), from `/dbops backup` and from the catch-up at start; `backup-sweep`, a
 * job scheduler that fails runs left by a dead worker and raises `backup-overdue`.
 */

export const BackupRunData = z.strictObject({
  cluster: z.string().regex(/^[a-z][a-z0-9_-]*$/),
  trigger: z.enum(TRIGGERS),
  /** Slack user id of who asked (`/dbops backup`), told the outcome in a DM. */
  requested_by: z.string().nullable().default(null),
});
export type BackupRunData = z.infer<typeof BackupRunData>;

export interface BackupJob<D extends z.ZodType> {
  name: string;
  data: D;
  options: JobsOptions;
}

export const backupRun: BackupJob<typeof BackupRunData> = {
  name: 'backup-run',
  data: BackupRunData,
  /** attempts and backoff come from `backups.retries` and `backups.retry_within` (src/backup/worker.ts). */
  options: { removeOnComplete: { age: 30 * 86_400, count: 1000 }, removeOnFail: { age: 30 * 86_400, count: 1000 } },
};

export const backupSweep: BackupJob<z.ZodObject<Record<string, never>>> = {
  name: 'backup-sweep',
  data: z.strictObject({}),
  options: { attempts: 1, removeOnComplete: true, removeOnFail: { age: 86_400, count: 100 } },
};
