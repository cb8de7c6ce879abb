import { z } from 'zod';

const optionalText = z.string().trim().min(1).optional().catch(undefined);

/** The process environment dbops reads (ARCHITECTURE.md, "Runtime contract"); read once at boot. */
export const DbopsEnv = z.object({
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: z.string().url().default('https://slack.com/api/'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DBOPS_CONFIG: z.string().default('./dbops.yml'),
  DBOPS_ROLE: z.enum(['all', 'bot', 'worker']).default('all'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  DBOPS_META_URL: z.string().default('mysql://root@127.0.0.1:3306/dbops'),
  /** Files of dbops' own on this host (src/config/dirs.ts); default `~/.dbops`. */
  DBOPS_STATE_DIR: optionalText,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});
export type DbopsEnv = z.infer<typeof DbopsEnv>;
