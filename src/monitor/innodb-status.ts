import type { DeadlockInfo } from './types.js';

const QUERY_KEPT = 500;

/**
 * The "LATEST DETECTED DEADLOCK" section of SHOW ENGINE INNODB STATUS: when, which tables, which
 * statements. Null when the status has no such section (no deadlock since the server started).
 */
export function parseLatestDeadlock(status: string): DeadlockInfo | null {
  const start = status.indexOf('LATEST DETECTED DEADLOCK');
  if (start < 0) return null;
  const rest = status.slice(start);
  const end = rest.search(/\n-{4,}\n(TRANSACTIONS|FILE I\/O|BUFFER POOL|ROW OPERATIONS|LOG)\b/);
  const section = end > 0 ? rest.slice(0, end) : rest;
  const lines = section.split('\n').slice(2);
  const at = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})/.exec(lines.find((l) => l.trim() !== '') ?? '')?.[1] ?? null;
  const tables = new Set<string>();
  for (const match of section.matchAll(/(?:of table|TABLE LOCK table) `((?:[^`]|``)+)`\.`((?:[^`]|``)+)`/g)) {
    tables.add(`\`${match[1]}\`.\`${match[2]}\``);
  }
  return { at, tables: [...tables], queries: transactionQueries(lines) };
}

/** In each "*** (n) TRANSACTION:" block, the statement printed after the "thread id" line. */
function transactionQueries(lines: string[]): string[] {
  const queries: string[] = [];
  let inTransaction = false;
  let afterThread = false;
  let current: string[] = [];
  const flush = () => {
    const sql = current.join(' ').replace(/\s+/g, ' ').trim();
    if (sql) queries.push(sql.length > QUERY_KEPT ? `${sql.slice(0, QUERY_KEPT - 1)}…` : sql);
    current = [];
    afterThread = false;
  };
  for (const line of lines) {
    if (/^\*\*\* \(\d+\) TRANSACTION:/.test(line)) {
      flush();
      inTransaction = true;
      continue;
    }
    if (line.startsWith('***')) {
      flush();
      inTransaction = false;
      continue;
    }
    if (!inTransaction) continue;
    if (/(MySQL|MariaDB) thread id \d+/.test(line)) {
      afterThread = true;
      continue;
    }
    if (afterThread) current.push(line);
  }
  flush();
  return queries;
}
