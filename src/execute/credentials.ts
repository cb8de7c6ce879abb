import type { Pool } from 'mysql2/promise';
import { z } from 'zod';
import type { Credentials } from './online-alter.js';

/** The connection settings of a mysql2 pool, as a tool that must connect on its own needs them. */
const PoolSettings = z.looseObject({
  pool: z.looseObject({
    config: z.looseObject({
      connectionConfig: z.looseObject({
        host: z.string().default('127.0.0.1'),
        port: z.number().default(3306),
        user: z.string().default(''),
        password: z.string().optional(),
      }),
    }),
  }),
});

/**
 * Host, port, user and password of the cluster's primary pool, for pt-online-schema-change's option
 * file: read from the pool the runner opened (whose password came from `password_env`), so the
 * secret is never looked up again, and never passed on a command line.
 */
export function poolCredentials(pool: Pool): Credentials {
  const c = PoolSettings.parse(pool).pool.config.connectionConfig;
  return { host: c.host, port: c.port, user: c.user, password: c.password ?? '' };
}
