/**
 * Backup jobs (not ticket jobs: a backup only reads its cluster; a restore is the ticket kind in
 * jobs/restore.ts). Defined beside their worker in src/backup/jobs.ts, which the engine may import
 * (an engine never imports jobs/); listed here for jobs/index.ts.
 */
export { backupRun, backupSweep, BackupRunData } from '../src/backup/jobs.js';
