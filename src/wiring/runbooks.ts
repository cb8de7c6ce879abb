import type { RunbookServices } from '../runbooks/job-services.js';
import type { Services } from './services.js';

/** Worker side: dbops.yml's runbooks and every secret this process knows, which their output is scrubbed of. */
export function workerRunbooks(s: Pick<Services, 'config' | 'env' | 'secrets' | 'options'>): RunbookServices {
  const { config, env, secrets } = s;
  const values = [
    ...Object.values(config.clusters).map((c) => (c.password_env ? secrets[c.password_env] : undefined)),
    ...config.runbooks.flatMap((r) => r.secrets.map((name) => secrets[name])),
    secrets[config.secrets.key_env],
    env.SLACK_BOT_TOKEN,
    env.SLACK_SIGNING_SECRET,
    env.SLACK_APP_TOKEN,
    urlPassword(env.DBOPS_META_URL),
    urlPassword(env.REDIS_URL),
  ];
  return {
    runbooks: config.runbooks,
    clusters: config.clusters,
    secrets: values.filter((v): v is string => typeof v === 'string' && v !== ''),
    env: secrets,
    ...s.options.runbooks,
  };
}

function urlPassword(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
