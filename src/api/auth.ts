import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiScope, DbopsConfig } from '../config/schema.js';
import type { Logger } from '../kernel/logger.js';

/** A configured API token, its value kept only as a SHA-256 digest. */
export interface ApiCaller {
  name: string;
  scopes: readonly ApiScope[];
  users: readonly string[];
}

interface KnownToken extends ApiCaller {
  digest: Buffer;
}

export interface ApiTokens {
  /** True when at least one token is usable. */
  readonly enabled: boolean;
  /** The caller an `Authorization: Bearer …` header names, or undefined. Constant time per token. */
  authenticate(header: string | undefined): ApiCaller | undefined;
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * The tokens named in dbops.yml (`api.tokens`), their values read from the environment once. A token
 * whose variable is unset or empty is skipped with a warning that names the variable, never a value.
 */
export function loadApiTokens(
  config: Pick<DbopsConfig, 'api'>,
  secrets: Record<string, string | undefined>,
  logger: Logger,
): ApiTokens {
  const known: KnownToken[] = [];
  for (const token of config.api.tokens) {
    const value = secrets[token.token_env]?.trim();
    if (!value) {
      logger.warn('API token not usable: its environment variable is unset', {
        token: token.name,
        variable: token.token_env,
      });
      continue;
    }
    known.push({ name: token.name, scopes: token.scopes, users: token.users, digest: digest(value) });
  }
  return {
    enabled: known.length > 0,
    authenticate(header) {
      const match = /^Bearer ([^\s]+)$/i.exec(header?.trim() ?? '');
      if (!match?.[1]) return undefined;
      // Digests have one length, so timingSafeEqual applies; every token is compared, none skipped.
      const presented = digest(match[1]);
      let found: KnownToken | undefined;
      for (const token of known) if (timingSafeEqual(token.digest, presented) && !found) found = token;
      return found && { name: found.name, scopes: found.scopes, users: found.users };
    },
  };
}
