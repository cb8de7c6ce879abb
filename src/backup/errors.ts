import { DbopsError } from '../kernel/errors.js';

/**
 * A backup or restore that cannot go on, worded for the DBA. `retryable`: trying again may work (the
 * source went away); otherwise the same run would fail the same way (a damaged set, a full disk).
 */
export class BackupError extends DbopsError {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(retryable ? 'unavailable' : 'conflict', message, options);
    this.name = 'BackupError';
  }
}

/** A full disk, said plainly (ENOSPC from a write, or a tool's "No space left on device"). */
export function isDiskFull(err: unknown): boolean {
  if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOSPC') return true;
  return err instanceof Error && /No space left on device|ENOSPC|Errcode: 28/i.test(err.message);
}

/** Another run of the cluster holds its lock: this one is skipped, not failed. */
export class BackupBusy extends BackupError {
  constructor(message: string) {
    super(message, false);
    this.name = 'BackupBusy';
  }
}
