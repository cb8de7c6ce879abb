/**
 * Where revokes are asked for (the bot's Revoke and `/dbops revoke`, the grant job's expiry). The
 * grant queue in src/wiring/grant-queue.ts implements it: it names the grant-lifecycle jobs, which
 * engines do not import.
 */
export interface RevokeQueue {
  /** Revoke now; a second ask while one is queued or running is the same job. */
  revokeNow(grantId: number, by: string): Promise<void>;
  /** Revoke at `at` (kept across restarts; the sweep catches up if it is lost). */
  revokeAt(grantId: number, at: Date, now: Date): Promise<void>;
}
