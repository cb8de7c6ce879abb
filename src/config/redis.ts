import type { RedisOptions } from 'ioredis';

/**
 * Where Redis is, from the environment, as ioredis options:
 * - `redis://[user:password@]host[:6379][/db]`, or `rediss://…` for TLS;
 * - Sentinel: `redis+sentinel://[user:password@]host1[:26379],host2[:26379]/master-name[/db]`
 *   (`rediss+sentinel://` speaks TLS to the sentinels and the master), or REDIS_SENTINELS
 *   (`host1:26379,host2:26379`) with REDIS_SENTINEL_NAME, REDIS_URL then giving the master's
 *   credentials, db and TLS only. The sentinels' own password, if any, is REDIS_SENTINEL_PASSWORD.
 * A password stays in the options: it never appears in an error text.
 */
export interface RedisEnv {
  REDIS_URL: string;
  REDIS_SENTINELS?: string;
  REDIS_SENTINEL_NAME?: string;
  REDIS_SENTINEL_PASSWORD?: string;
}

export class RedisUrlError extends Error {}

const SCHEMES = ['redis:', 'rediss:'];
/** `redis+sentinel://[user:password@]h1:26379,h2:26379/master[/db]`: several hosts, which WHATWG URLs do not take. */
const SENTINEL_URL = /^(rediss?)\+sentinel:\/\/(?:([^@/]*)@)?([^/]*)(?:\/([^/]*))?(?:\/([^/]*))?\/?$/;

export function redisOptions(env: RedisEnv): RedisOptions {
  const sentinelUrl = SENTINEL_URL.exec(env.REDIS_URL);
  if (sentinelUrl) return fromSentinelUrl(sentinelUrl, env);
  const url = parseUrl(env.REDIS_URL);
  const tls = url.protocol === 'rediss:' ? {} : undefined;
  const auth = credentials(url.username, url.password);
  const target = { ...auth, ...database(url.pathname.split('/').filter(Boolean)[0]) };
  if (env.REDIS_SENTINELS) {
    if (!env.REDIS_SENTINEL_NAME)
      throw new RedisUrlError('REDIS_SENTINELS is set: REDIS_SENTINEL_NAME must name the master (e.g. mymaster)');
    return sentinelOptions(hostList(env.REDIS_SENTINELS, 'REDIS_SENTINELS'), env.REDIS_SENTINEL_NAME, target, tls, env);
  }
  if (env.REDIS_SENTINEL_NAME) throw new RedisUrlError('REDIS_SENTINEL_NAME is set without REDIS_SENTINELS');
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  return {
    host,
    port: port(url.port, 6379, 'REDIS_URL'),
    ...target,
    ...(tls ? { tls: { servername: host } } : {}),
  };
}

/** Where Redis is, for logs: hosts and mode, never credentials. */
export function describeRedis(options: RedisOptions): string {
  const tls = options.tls ? ' (TLS)' : '';
  if (options.sentinels) {
    const hosts = options.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
    return `sentinel ${hosts} master ${options.name}${tls}`;
  }
  return `${options.host}:${options.port}${tls}`;
}

function fromSentinelUrl(m: RegExpExecArray, env: RedisEnv): RedisOptions {
  const [, scheme, userinfo = '', hosts = '', name, db] = m;
  if (env.REDIS_SENTINELS)
    throw new RedisUrlError('REDIS_SENTINELS is set and REDIS_URL names sentinels too: use one of the two');
  if (!name)
    throw new RedisUrlError(
      'REDIS_URL: a redis+sentinel:// URL names the master after the hosts, e.g. redis+sentinel://s1:26379,s2:26379/mymaster',
    );
  const colon = userinfo.indexOf(':');
  const auth = colon < 0 ? credentials(userinfo, '') : credentials(userinfo.slice(0, colon), userinfo.slice(colon + 1));
  const tls = scheme === 'rediss' ? {} : undefined;
  return sentinelOptions(hostList(hosts, 'REDIS_URL'), name, { ...auth, ...database(db) }, tls, env);
}

function sentinelOptions(
  sentinels: { host: string; port: number }[],
  name: string,
  target: Pick<RedisOptions, 'username' | 'password' | 'db'>,
  tls: object | undefined,
  env: RedisEnv,
): RedisOptions {
  return {
    sentinels,
    name,
    ...target,
    ...(env.REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.REDIS_SENTINEL_PASSWORD } : {}),
    ...(tls ? { tls, sentinelTLS: tls, enableTLSForSentinelMode: true } : {}),
  };
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new RedisUrlError(
      'REDIS_URL is not a URL: expected redis://host:6379, rediss://host:6380 or redis+sentinel://host:26379/mymaster',
    );
  }
  if (!SCHEMES.includes(url.protocol))
    throw new RedisUrlError(
      `REDIS_URL: unknown scheme '${url.protocol}' (expected redis:, rediss:, redis+sentinel: or rediss+sentinel:)`,
    );
  return url;
}

function credentials(rawUser: string, rawPassword: string): Pick<RedisOptions, 'username' | 'password'> {
  const username = decode(rawUser);
  const password = decode(rawPassword);
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new RedisUrlError('REDIS_URL: the user or password is not percent-encoded properly (write % as %25)');
  }
}

function database(segment: string | undefined): Pick<RedisOptions, 'db'> {
  if (segment === undefined) return {};
  if (!/^\d+$/.test(segment)) throw new RedisUrlError(`REDIS_URL: the database must be a number (got '${segment}')`);
  return { db: Number(segment) };
}

function hostList(text: string, name: string): { host: string; port: number }[] {
  const hosts = text
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hosts.length === 0) throw new RedisUrlError(`${name}: no sentinel host (expected host:26379[,host:26379…])`);
  return hosts.map((entry) => {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m?.[1]) throw new RedisUrlError(`${name}: '${entry}' is not host[:port]`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port: port(m[2] ?? '', 26379, name) };
  });
}

function port(text: string, fallback: number, name: string): number {
  if (text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new RedisUrlError(`${name}: port ${text} is out of range`);
  return n;
}
