import { words } from '../review/explain/rewrite.js';
import { singleTable, type NotExact } from './analyze.js';
import type { TableName } from './names.js';
import { serverError, type ExecutionSession } from './session.js';

/** ALTER TABLE taken apart: the table, and the clause pt-online-schema-change's --alter takes. */
export interface AlterShape {
  table: TableName;
  /** Everything after the table name: `ADD COLUMN c INT, DROP INDEX i`. */
  clause: string;
  /** The author chose ALGORITHM= or LOCK= already: run as written. */
  explicitAlgorithm: boolean;
  /** ALTER ONLINE / IGNORE TABLE: run as written. */
  modifiers: boolean;
}

export function alterShape(stripped: string, defaultSchema: string | null): AlterShape | NotExact {
  const top = [...words(stripped)].filter((w) => w.depth === 0);
  if (top[0]?.upper !== 'ALTER') return { exact: false, reason: 'it is not an ALTER TABLE' };
  const tableWord = top.findIndex((w) => w.upper === 'TABLE');
  if (tableWord < 0) return { exact: false, reason: 'it is not an ALTER TABLE' };
  const afterTable = stripped.slice(top[tableWord].end).trimStart();
  const name = /^((?:`(?:[^`]|``)+`|[\w$]+)(?:\s*\.\s*(?:`(?:[^`]|``)+`|[\w$]+))?)/.exec(afterTable);
  if (!name) return { exact: false, reason: 'its table could not be read' };
  const table = singleTable(name[1], defaultSchema);
  if ('exact' in table) return table;
  const clause = afterTable.slice(name[1].length).trim();
  const clauseWords = [...words(clause)].filter((w) => w.depth === 0).map((w) => w.upper);
  return {
    table,
    clause,
    explicitAlgorithm: clauseWords.includes('ALGORITHM') || clauseWords.includes('LOCK'),
    modifiers: tableWord > 1,
  };
}

/** One way an ALTER can run, cheapest first. */
export interface AlterWay {
  label: string;
  options: string;
  /** Blocks writes while it runs. */
  blocksWrites: boolean;
}

/** INSTANT, then (MariaDB) NOCOPY, then INPLACE without locks; COPY with a shared lock last (blocks writes). */
export function alterLadder(flavor: 'mariadb' | 'mysql'): AlterWay[] {
  return [
    { label: 'ALGORITHM=INSTANT', options: 'ALGORITHM=INSTANT', blocksWrites: false },
    ...(flavor === 'mariadb'
      ? [{ label: 'ALGORITHM=NOCOPY, LOCK=NONE', options: 'ALGORITHM=NOCOPY, LOCK=NONE', blocksWrites: false }]
      : []),
    { label: 'ALGORITHM=INPLACE, LOCK=NONE', options: 'ALGORITHM=INPLACE, LOCK=NONE', blocksWrites: false },
    { label: 'ALGORITHM=COPY, LOCK=SHARED', options: 'ALGORITHM=COPY, LOCK=SHARED', blocksWrites: true },
  ];
}

/** The server refuses this algorithm or lock level for this change (so the next one is tried). */
export function isUnsupportedAlgorithm(err: unknown): boolean {
  const errno = serverError(err).errno;
  return errno === 1845 || errno === 1846;
}

export interface AlterOutcome {
  way: string;
  /** Why cheaper ways were not possible, in the server's words. */
  refused: string[];
  blockedWrites: boolean;
  warnings: string[];
  warningCount: number;
}

/**
 * Run an ALTER the cheapest safe way the server accepts: each way is tried in turn and a refusal
 * (ER_ALTER_OPERATION_NOT_SUPPORTED) moves to the next; any other error stops. `only` limits the
 * ladder (a large table gets INSTANT only, before pt-online-schema-change takes over).
 */
export async function runAlterLadder(
  session: ExecutionSession,
  text: string,
  ways: readonly AlterWay[],
): Promise<AlterOutcome | { refused: string[] }> {
  const refused: string[] = [];
  for (const way of ways) {
    session.checkCancelled();
    try {
      const header = await session.withoutTimeout(() => session.query(`${text}\n, ${way.options}`));
      const warningCount = header.warningStatus ?? 0;
      return {
        way: way.label,
        refused,
        blockedWrites: way.blocksWrites,
        warningCount,
        warnings: warningCount > 0 ? await session.warnings() : [],
      };
    } catch (err) {
      if (!isUnsupportedAlgorithm(err)) throw err;
      refused.push(`${way.label}: ${serverError(err).message}`);
    }
  }
  return { refused };
}
