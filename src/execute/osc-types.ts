import type { ExecutionSection } from '../config/schema.js';
import type { TableName } from './names.js';
import type { OscLeftovers } from './osc-leftovers.js';
import type { ExecutionSession } from './session.js';

/** The shapes an online ALTER (pt-online-schema-change) is run with and reports; online-alter.ts runs it. */

export type OscPhase =
  | 'starting'
  | 'copying'
  | 'pausing'
  | 'paused'
  | 'resuming'
  | 'ready'
  | 'cutting-over'
  | 'done'
  | 'failed'
  | 'cancelled';

/** Where an online ALTER is, for the Slack panel. */
export interface OscState {
  phase: OscPhase;
  table: string;
  percent: number | null;
  detail: string;
  /** Who pressed what, last. */
  by?: string;
}

/** What DBAs asked for from Slack (Pause, Resume, Cut-over), read by the running job. */
export interface OscRequests {
  paused: boolean;
  pausedBy?: string;
  cutOver: { by: string } | null;
}

export interface OscControl {
  read(): Promise<OscRequests>;
  report(state: OscState): Promise<void>;
  /** What an online ALTER interrupted by a dead worker left on its table, for the thread (with Clean up). */
  leftovers(found: OscLeftovers): Promise<void>;
}

export interface Credentials {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface OnlineAlterOptions {
  settings: ExecutionSection['pt_osc'];
  lockWaitTimeoutSeconds: number;
  credentials: Credentials;
  table: TableName;
  clause: string;
  session: ExecutionSession;
  control: OscControl;
  signal: AbortSignal;
  progress(fraction: number, message: string): Promise<void>;
  log(line: string): Promise<void>;
  /** How often Slack's requests are read (ms); default 1000. */
  pollMs?: number;
  /** A private directory (0700, in dbops' runtime directory) for the option and pause files. */
  workDir: () => Promise<string>;
}

export interface OnlineAlterOutcome {
  cutOverBy: string;
  keptOldTable: string | null;
}
