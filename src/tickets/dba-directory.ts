import type { Logger } from '../kernel/logger.js';
import { toError } from '../kernel/errors.js';

export interface DbaDirectoryOptions {
  /** `slack.dba_users`. */
  users: readonly string[];
  /** `slack.dba_usergroup`, resolved through `resolveGroup`. */
  usergroup?: string;
  /** Members of a Slack user group; the caller makes the `usergroups.users.list` call. */
  resolveGroup?: (usergroup: string) => Promise<readonly string[]>;
  /** How long resolved members are trusted. Default 60 s. */
  ttlMs?: number;
  /** After a failed lookup, how long before trying again. Default 10 s. */
  retryMs?: number;
  clock?: { now(): Date };
  logger?: Logger;
}

export interface DbaDirectory {
  /** Every DBA: the configured users plus the user group's members. */
  members(): Promise<ReadonlySet<string>>;
  isDba(user: string): Promise<boolean>;
  /** Forget the cached group members (e.g. on a `subteam_members_changed` event). */
  invalidate(): void;
}

/**
 * Who is a DBA. The user group is looked up at most once per `ttlMs` (concurrent callers share one
 * lookup). If a lookup fails, the last members known are kept; with none known, only the configured
 * users count — a failure never widens the set.
 */
export function createDbaDirectory(options: DbaDirectoryOptions): DbaDirectory {
  const ttlMs = options.ttlMs ?? 60_000;
  const retryMs = options.retryMs ?? 10_000;
  const now = () => (options.clock ? options.clock.now().getTime() : Date.now());
  const configured = new Set(options.users);
  let cached: { members: ReadonlySet<string>; until: number } | null = null;
  let lastGood: ReadonlySet<string> | null = null;
  let inFlight: Promise<ReadonlySet<string>> | null = null;

  const lookup = async (
    group: string,
    resolve: (g: string) => Promise<readonly string[]>,
  ): Promise<ReadonlySet<string>> => {
    try {
      const fromGroup = await resolve(group);
      lastGood = new Set([...configured, ...fromGroup]);
      cached = { members: lastGood, until: now() + ttlMs };
    } catch (err) {
      options.logger?.warn(
        'could not list the DBA user group; using the members known before',
        { usergroup: group, known: lastGood?.size ?? configured.size },
        toError(err),
      );
      cached = { members: lastGood ?? configured, until: now() + retryMs };
    }
    return cached.members;
  };

  const members = async (): Promise<ReadonlySet<string>> => {
    const { usergroup, resolveGroup } = options;
    if (!usergroup || !resolveGroup) return configured;
    if (cached && cached.until > now()) return cached.members;
    inFlight ??= lookup(usergroup, resolveGroup).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  return {
    members,
    isDba: async (user) => (await members()).has(user),
    invalidate: () => {
      cached = null;
    },
  };
}
