/** What `/dbops top` shows: one read of an instance's sessions, transactions and lock waits. */

/** A session that is doing something (not sleeping), as the processlist shows it. */
export interface Session {
  id: number;
  user: string;
  host: string;
  schema: string | null;
  command: string;
  /** How long the current statement (or state) has run, in milliseconds. */
  timeMs: number;
  state: string | null;
  /** The statement, cut to STATEMENT_CHARS; null when the session runs none. */
  statement: string | null;
}

/** An open InnoDB transaction with the session that holds it. */
export interface Transaction {
  threadId: number;
  state: string;
  startedAt: Date;
  ageSeconds: number;
  rowsLocked: number;
  rowsModified: number;
  /** The statement it runs now; null when it is idle in the transaction. */
  statement: string | null;
}

/** Who waits for whom: a row lock (InnoDB) or a table's metadata lock. */
export interface LockWait {
  kind: 'row' | 'metadata';
  waitingThread: number;
  waitingStatement: string | null;
  waitSeconds: number;
  /** Null when the server does not say who holds the lock (a metadata lock without METADATA_LOCK_INFO). */
  blockingThread: number | null;
  blockingStatement: string | null;
  /** `shop`.`orders` (and the index, for a row lock), as the server names it. */
  object: string | null;
  lockMode: string | null;
}

export interface Count {
  key: string;
  count: number;
}

export interface TopSnapshot {
  cluster: string;
  /** `host:port` of the instance read (the primary). */
  instance: string;
  takenAt: Date;
  flavor: 'mariadb' | 'mysql';
  /** Every connection the server reported (ours excluded). */
  connections: number;
  sleeping: number;
  /** Running sessions, longest first. */
  sessions: Session[];
  /** Open transactions, oldest first. */
  transactions: Transaction[];
  waits: LockWait[];
  /** The sessions of the threads that block others (sleeping ones too: idle in a transaction). */
  blockers: Session[];
  byUser: Count[];
  byState: Count[];
  /** What the server could not tell (no metadata-lock holders, …), in words for the reader. */
  notes: string[];
}

export type KillKind = 'query' | 'connection';

/** What a Kill button asks for: the thread as it was seen, so a thread that moved on is not killed. */
export interface KillRequest {
  cluster: string;
  instance: string;
  threadId: number;
  kind: KillKind;
  /** The snapshot the button came from (ms since the epoch): one kill per thread, kind and snapshot. */
  snapshot: number;
  /** The session's user when it was seen; a thread id now owned by someone else is not killed. */
  user: string;
  /** sha1 of the statement when it was seen (first 12 hex digits); a KILL QUERY of a finished statement is not sent. */
  statementHash: string | null;
  actor: string;
}

export type KillOutcome =
  | { kind: 'killed'; session: Pick<Session, 'id' | 'user' | 'host' | 'schema' | 'statement'> }
  | { kind: 'ended'; reason: string }
  | { kind: 'duplicate'; by: string; at: Date; outcome: string }
  | { kind: 'refused'; reason: string };

/** Statements are kept to this many characters (the views shorten them further). */
export const STATEMENT_CHARS = 1000;
