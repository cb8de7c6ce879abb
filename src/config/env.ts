import { z } from 'zod';
import { RedisUrlError, redisOptions } from './redis.js';

const optionalText = z.string().trim().min(1).optional().catch(undefined);

/** The process environment dbops reads (ARCHITECTURE.md, "Runtime contract"); read once at boot. */
export const DbopsEnv = z
  .object({
    SLACK_BOT_TOKEN: optionalText,
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: optionalText,
    SLACK_API_URL: z.string().url().default('https://slack.com/api/'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DBOPS_CONFIG: z.string().default('./dbops.yml'),
    DBOPS_ROLE: z.enum(['all', 'bot', 'worker']).default('all'),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    /** Sentinel mode without a redis+sentinel:// URL (src/config/redis.ts). */
    REDIS_SENTINELS: optionalText,
    REDIS_SENTINEL_NAME: optionalText,
    REDIS_SENTINEL_PASSWORD: optionalText,
    DBOPS_META_URL: z.string().default('mysql://root@127.0.0.1:3306/dbops'),
    /** Files of dbops' own on this host (src/config/dirs.ts); default `~/.dbops`. */
    DBOPS_STATE_DIR: optionalText,
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  })
  .superRefine((env, ctx) => {
    // A bad REDIS_URL (or Sentinel setting) stops the boot with its reason, not at the first connect.
    try {
      redisOptions(env);
    } catch (err) {
      if (!(err instanceof RedisUrlError)) throw err;
      const [, variable = 'REDIS_URL', message = err.message] = /^([A-Z_]+): (.*)$/s.exec(err.message) ?? [];
      ctx.addIssue({ code: 'custom', path: [variable], message, params: { hideValue: true } });
    }
  });
export type DbopsEnv = z.infer<typeof DbopsEnv>;
