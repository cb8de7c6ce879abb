import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DbopsEnv } from './env.js';

/** Where dbops keeps files of its own on this host (never inside a target database). */
export interface DbopsDirs {
  /** Kept across restarts: the generated secret key when DBOPS_SECRET_KEY is unset (mode 0700). */
  state: string;
  /**
   * Short-lived files a job needs on disk (a tool's option file with a password). Each process
   * works in a subdirectory of its own; what a dead process left is removed at start and on take-over.
   */
  runtime: string;
}

/** The directories for this process's environment: `DBOPS_STATE_DIR`, default `~/.dbops`. */
export function dbopsDirs(env: Pick<DbopsEnv, 'DBOPS_STATE_DIR'>): DbopsDirs {
  const state = resolve(env.DBOPS_STATE_DIR ?? join(homedir(), '.dbops'));
  return { state, runtime: join(state, 'run') };
}
