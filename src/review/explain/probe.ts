/** Live server access for review: EXPLAIN on a replica (never executes the statement). */
export interface ExplainRow {
  table: string | null;
  /** Access type: ALL, index, range, ref, eq_ref, const, … */
  type: string | null;
  key: string | null;
  rows: number;
  extra: string | null;
}

export interface ServerProbe {
  /** Server flavour and version, e.g. { flavor: 'mariadb', version: '10.11.19' }. */
  readonly flavor: 'mysql' | 'mariadb';
  readonly version: string;
  /** EXPLAIN a statement; throws an Error with the server's message when EXPLAIN fails. */
  explain(sql: string, schema?: string): Promise<ExplainRow[]>;
}
