import type { PoolOptions } from 'mysql2';
import type { Cluster, Endpoint } from '../config/schema.js';

/**
 * Connection options for one instance of a cluster. The password is read from the env variable the
 * config names, so it never sits in YAML, job data, logs or process arguments.
 */
export function instanceOptions(cluster: Cluster, endpoint: Endpoint, secrets: NodeJS.ProcessEnv): PoolOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    user: cluster.user,
    password: cluster.password_env ? (secrets[cluster.password_env] ?? '') : '',
    connectTimeout: 5_000,
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    multipleStatements: false,
    charset: 'utf8mb4_general_ci',
  };
}

/** `host:port`, the name an instance is shown by. */
export function endpointName(endpoint: Endpoint): string {
  return `${endpoint.host}:${endpoint.port}`;
}

/** Options from a `mysql://user:pass@host:port/db` URL (the meta database). */
export function urlOptions(url: string): PoolOptions & { database: string } {
  const parsed = new URL(url);
  if (parsed.protocol !== 'mysql:' && parsed.protocol !== 'mariadb:') {
    throw new Error(`DBOPS_META_URL must start with mysql:// (got ${parsed.protocol}//)`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'dbops';
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username) || 'root',
    password: decodeURIComponent(parsed.password),
    database,
    connectTimeout: 5_000,
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: 'utf8mb4_general_ci',
  };
}
