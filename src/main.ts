import type { LogLevel } from '@slack/logger';
import { StartAborted } from './closers.js';
import { loadConfig } from './config/load.js';
import { isDbopsError } from './kernel/errors.js';
import { createLogger, type Logger } from './kernel/logger.js';
import { startRuntime, type Runtime, type RuntimeOptions } from './wiring/runtime.js';

/** How long a start stopped by a signal may take to close what it opened before the process exits anyway. */
const ABORTED_START_CLOSE_MS = 10_000;

/**
 * Entry point: config, then the role DBOPS_ROLE names (src/wiring), then wait for a signal.
 * `options` are for embedders and tests; `environment` is where the env is read (process.env).
 */
export async function main(options: RuntimeOptions = {}, environment: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = createLogger(environment.LOG_LEVEL === 'debug' ? 'debug' : 'info');
  try {
    const { config, env, file } = loadConfig(environment);
    logger.setLevel(env.LOG_LEVEL as LogLevel);
    logger.info('config loaded', { file, role: env.DBOPS_ROLE, clusters: Object.keys(config.clusters) });
    // Signals are taken from the start. One that comes while the runtime is still starting (Slack,
    // the meta database or Redis not answering) stops the start where it is: what has started is
    // closed and the process exits, rather than waiting for a start that may never finish.
    const abort = new AbortController();
    let runtime: Runtime | undefined;
    const shutdown = (signal: string) => {
      logger.info('shutting down', { signal });
      if (runtime) return exitAfter(runtime.stop());
      abort.abort();
      setTimeout(() => {
        logger.error('the stopped start did not close in time; exiting anyway', { ms: ABORTED_START_CLOSE_MS });
        process.exit(1);
      }, ABORTED_START_CLOSE_MS).unref();
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    runtime = await startRuntime(config, env, logger, { ...options, signal: abort.signal });
  } catch (err) {
    exitOnStartFailure(err, logger);
  }
}

function exitAfter(stopping: Promise<void>): void {
  stopping.then(
    () => process.exit(0),
    () => process.exit(1),
  );
}

/** A bad config exits 2 with its problems listed; a start stopped by a signal exits 0; anything else 1. */
function exitOnStartFailure(err: unknown, logger: Logger): never {
  if (err instanceof StartAborted) {
    logger.info('stopped before the start finished');
    process.exit(0);
  }
  if (isDbopsError(err)) {
    process.stderr.write(`dbops: ${err.message}\n`);
    process.exit(2);
  }
  logger.error('dbops failed to start', err);
  process.exit(1);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) await main();
