import { GrantBot } from '../accounts/bot.js';
import { GrantStore } from '../accounts/grant-store.js';
import type { GrantJobServices } from '../accounts/job-services.js';
import type { GrantAnnouncer, LifecycleDeps } from '../accounts/lifecycle.js';
import { createPasswordCipher, PasswordStore } from '../accounts/password-store.js';
import { GrantQueue, GrantWorker } from './grant-queue.js';
import { grantKeyProblem, loadSecretKey } from '../config/secret-key.js';
import type { Closers } from '../closers.js';
import { installationPrefix } from '../queue/queues.js';
import { createGrantAnnouncer } from '../slack/grant-announcer.js';
import type { Services } from './services.js';

/** The grant parts every role shares: stores, the password store (when the key is set), the grant queue, the announcer. */
export interface GrantParts {
  store: GrantStore;
  passwords: PasswordStore | null;
  keyProblem: string | undefined;
  queue: GrantQueue;
  announcer: GrantAnnouncer;
}

export function openGrantParts(s: Omit<Services, 'grants' | 'backups'>, closers: Closers): GrantParts {
  const keyEnv = s.config.secrets.key_env;
  const keyProblem = grantKeyProblem({ keyEnv, secrets: s.secrets });
  const passwords = keyProblem
    ? null
    : new PasswordStore(
        s.meta,
        createPasswordCipher(loadSecretKey({ keyEnv, secrets: s.secrets, stateDir: s.dirs.state }).key, s.installation),
      );
  const queue = new GrantQueue({
    connection: s.redis,
    queueName: `${s.options.queueName ?? s.config.runner.queue}.grants`,
    prefix: installationPrefix(s.config.runner.redis_prefix, s.installation),
  });
  closers.push(() => queue.close());
  const store = new GrantStore(s.meta);
  const announcer = createGrantAnnouncer({ slack: s.slack.notifier, tickets: s.tickets, logger: s.logger });
  return { store, passwords, keyProblem, queue, announcer };
}

export function grantJobServices(parts: GrantParts): GrantJobServices {
  return parts;
}

export function createGrantBot(s: Services, parts: GrantParts): GrantBot {
  return new GrantBot({
    config: s.config,
    pools: s.clusters,
    grants: parts.store,
    passwords: parts.passwords,
    keyProblem: parts.keyProblem,
    queue: parts.queue,
    now: () => s.clock.now(),
  });
}

/** The grant worker: revokes (now and at expiry), the sweep, reminders; on the jobs' pool lane. */
export async function startGrantWorker(s: Services, parts: GrantParts, closers: Closers): Promise<GrantWorker> {
  const now = () => s.clock.now();
  const deps: LifecycleDeps = {
    engine: (cluster) => ({
      target: s.clusters.jobs.primary(cluster),
      grants: parts.store,
      passwords: parts.passwords ?? nullPasswords(parts),
      now,
    }),
    grants: parts.store,
    passwords: parts.passwords ?? nullPasswords(parts),
    announcer: parts.announcer,
    dropEmptyPersonal: s.config.grants.drop_empty_personal_accounts,
    now,
    logger: s.logger.child({ name: 'grants' }),
  };
  const worker = await GrantWorker.start({
    connection: s.redis,
    queueName: parts.queue.queue.name,
    prefix: installationPrefix(s.config.runner.redis_prefix, s.installation),
    deps,
    sweepSeconds: s.config.grants.sweep_seconds,
    logger: s.logger,
  });
  closers.push(() => worker.close());
  return worker;
}

/** Revokes and sweeps need no key: a password store that holds nothing (deleting is all they do with it). */
function nullPasswords(parts: GrantParts): PasswordStore {
  return new PasswordStore(parts.store.pool, createPasswordCipher(Buffer.alloc(32), 'nokey'));
}
