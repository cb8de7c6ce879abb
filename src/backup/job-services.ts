import type { BackupStore } from './store.js';

/** What the restore job (jobs/restore.ts) gets through `ctx.services.backups`, built once per worker process. */
export interface BackupJobServices {
  store: BackupStore;
  /** myloader threads (`backups.threads`). */
  threads: number;
}
