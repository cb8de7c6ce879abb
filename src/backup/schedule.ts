import { CronExpressionParser } from 'cron-parser';

/** The latest time `cron` (in `timezone`) was due at or before `now`; null when the expression cannot be read. */
export function previousRun(cron: string, timezone: string, now: Date): Date | null {
  try {
    return CronExpressionParser.parse(cron, { currentDate: now, tz: timezone }).prev().toDate();
  } catch {
    return null;
  }
}

/** Whether a cron expression can be read (dbops doctor, config checks). */
export function cronProblem(cron: string, timezone: string): string | null {
  try {
    CronExpressionParser.parse(cron, { tz: timezone }).next();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * A run missed while no worker was up: the schedule was due since the cluster's last run started
 * (or ever, for a cluster never backed up) and that time has passed. Caught up once at start.
 */
export function missedRun(cron: string, timezone: string, lastStarted: Date | null, now: Date): Date | null {
  const due = previousRun(cron, timezone, now);
  if (!due) return null;
  if (lastStarted && lastStarted.getTime() >= due.getTime()) return null;
  return due;
}

/**
 * Overdue: a run was due more than `graceSeconds` ago and no good set started at or after it
 * (or, as a backstop, after the run due before it). Returns the due time that was missed.
 */
export function overdueSince(
  cron: string,
  timezone: string,
  lastGood: Date | null,
  now: Date,
  graceSeconds: number,
): Date | null {
  const due = previousRun(cron, timezone, new Date(now.getTime() - graceSeconds * 1000));
  if (!due) return null;
  if (lastGood && lastGood.getTime() >= due.getTime()) return null;
  return due;
}

/**
 * The first wait of the retry backoff so that `retries` doubling waits add up to `withinSeconds`:
 * 6 h over 3 retries waits 51 min, 1 h 43 min and 3 h 26 min.
 */
export function retryDelayMs(retries: number, withinSeconds: number): number {
  if (retries <= 0) return 0;
  return Math.max(1, Math.floor((withinSeconds * 1000) / (2 ** retries - 1)));
}
