/**
 * Live server access for review: EXPLAIN on a replica. Only what dbops can prove harmless reaches
 * the server (src/review/safety): a SELECT without subqueries, stored functions, variables or
 * locking reads, EXPLAINed in a read-only session with a time limit.
 */
export interface ExplainRow {
  table: string | null;
  /** Access type: ALL, index, range, ref, eq_ref, const, … */
  type: string | null;
  key: string | null;
  /** Estimated rows examined; 0 when the server gave none (`rowsKnown` false). */
  rows: number;
  extra: string | null;
  /** SELECT id the row belongs to (rows of the main query share the first id). */
  id?: number | null;
  /** SIMPLE, PRIMARY, SUBQUERY, DERIVED, UPDATE, DELETE, INSERT, … */
  selectType?: string | null;
  possibleKeys?: string | null;
  /** Percentage of examined rows left after the table's conditions (MySQL; MariaDB with EXPLAIN EXTENDED). */
  filtered?: number | null;
  /** False when the server left `rows` NULL (e.g. "Impossible WHERE", INSERT … VALUES). */
  rowsKnown?: boolean;
}

export interface ServerProbe {
  /** Server flavour and version, e.g. { flavor: 'mariadb', version: '10.11.19' }. */
  readonly flavor: 'mysql' | 'mariadb';
  readonly version: string;
  /**
   * EXPLAIN a SELECT. Throws ExplainRefused, before anything is sent, when dbops cannot prove the
   * statement harmless; throws the server's error (to be described, never shown) when EXPLAIN fails.
   */
  explain(sql: string, schema?: string): Promise<ExplainRow[]>;
  /** End the probe's session on the server (named locks, session variables and all). */
  close?(): Promise<void>;
}

/** A statement dbops will not send to a server before approval; `reason` says why, for the requester. */
export class ExplainRefused extends Error {
  constructor(readonly reason: string) {
    super(`not EXPLAINed: ${reason}`);
    this.name = 'ExplainRefused';
  }
}
