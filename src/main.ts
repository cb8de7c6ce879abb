import type { LogLevel } from '@slack/logger';
import { loadConfig } from './config/load.js';
import { isDbopsError } from './errors.js';
import { createLogger } from './logger.js';
import { startRuntime, type RuntimeOptions } from './runtime.js';

/** Entry point: DBOPS_ROLE=all|bot|worker. Config, then the runtime, then wait for a signal. `options` are for embedders and tests. */
export async function main(options: RuntimeOptions = {}): Promise<void> {
  const logger = createLogger(process.env.LOG_LEVEL === 'debug' ? 'debug' : 'info');
  try {
    const { config, env, file } = loadConfig(process.env);
    logger.setLevel(env.LOG_LEVEL as LogLevel);
    logger.info('config loaded', { file, role: env.DBOPS_ROLE, clusters: Object.keys(config.clusters) });
    // Signals are taken from the start: one that comes while the runtime is still starting stops it
    // once it has started, so nothing is left half-open.
    const starting = startRuntime(config, env, logger, options);
    const shutdown = (signal: string) => {
      logger.info('shutting down', { signal });
      starting
        .then((runtime) => runtime.stop())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    await starting;
  } catch (err) {
    if (isDbopsError(err)) {
      process.stderr.write(`dbops: ${err.message}\n`);
      process.exit(2);
    }
    logger.error('dbops failed to start', err);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) await main();
