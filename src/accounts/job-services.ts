import type { GrantStore } from './grant-store.js';
import type { GrantAnnouncer } from './lifecycle.js';
import type { PasswordStore } from './password-store.js';
import type { RevokeQueue } from './revoke-queue.js';

/** What the grant job (jobs/grant.ts) gets through `ctx.services.grants`, built once per worker process. */
export interface GrantJobServices {
  store: GrantStore;
  /** Null when dbops' key is not in the environment: a grant that would create an account then fails and says why. */
  passwords: PasswordStore | null;
  keyProblem: string | undefined;
  /** Where the grant's expiry is scheduled. */
  queue: RevokeQueue;
  announcer: GrantAnnouncer;
}
