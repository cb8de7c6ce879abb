import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Pool, PoolConnection } from 'mysql2/promise';
import type { InstallationId } from '../db/installation.js';
import { encoderFor, type Encoder } from './literals.js';
import { readLegacyLog, readLog, type LogEntry } from './execution-log.js';
import { qualified, quoteIdent, shown, type TableName } from './names.js';
import { coreConnection, queryable } from './session.js';
import { readTableInfo, valueClass } from './table-info.js';

/** How one logged statement is undone. */
export type UndoKind = 'restore-deleted' | 'restore-updated' | 'remove-inserted';

export interface UndoStep {
  /** The original statement's number in its ticket. */
  statement: number;
  kind: UndoKind;
  table: TableName;
  backup: TableName;
  keyColumns: string[];
  /** restore-deleted: every saved column; restore-updated: the columns written back; remove-inserted: none. */
  columns: string[];
  rows: number;
  original: string;
}

export interface RollbackPlan {
  ticketId: number;
  /** Where the backups are (`execution.backup_schema` when they were taken). */
  backupSchema: string;
  /** Last statement first: undone in reverse order. */
  steps: UndoStep[];
  /** Statements that changed something dbops cannot undo (DDL, changes run without a backup). */
  notUndoable: Array<{ statement: number; what: string }>;
  /** Set when the ticket was already rolled back. */
  rolledBackBy: number | null;
  rows: number;
  /**
   * This installation logged nothing for the ticket, but the log of dbops before installation ids
   * holds statements of a ticket with its number: perhaps this one's, from before the upgrade. They
   * are never planned from (dbops cannot tell whose they are); people are told where to look.
   */
  legacyStatements: number;
}

const UNDO_OF: Record<string, UndoKind | undefined> = {
  delete: 'restore-deleted',
  update: 'restore-updated',
  insert: 'remove-inserted',
};

/** Where a rollback reads its backups: the backup schema, and whose execution log rows count. */
export interface BackupScope {
  backupSchema: string;
  installation: InstallationId;
}

/**
 * What undoing a ticket takes, from this installation's execution log on its cluster's primary:
 * another installation's ticket of the same number (or the backups of dbops before installation
 * ids) is never offered.
 */
export async function planRollback(pool: Pool, scope: BackupScope, ticketId: number): Promise<RollbackPlan> {
  const { backupSchema, installation } = scope;
  const conn = await pool.getConnection();
  try {
    const db = queryable(conn, backupSchema);
    const entries = await readLog(db, installation, ticketId);
    const plan = planFromLog(ticketId, backupSchema, entries);
    return entries.length > 0 ? plan : { ...plan, legacyStatements: (await readLegacyLog(db, ticketId)).size };
  } finally {
    conn.release();
  }
}

export function planFromLog(ticketId: number, backupSchema: string, entries: readonly LogEntry[]): RollbackPlan {
  const steps: UndoStep[] = [];
  const notUndoable: RollbackPlan['notUndoable'] = [];
  for (const e of [...entries].reverse()) {
    const kind = UNDO_OF[e.verb];
    if (kind && e.backupTable && e.table && e.backupKind === (kind === 'remove-inserted' ? 'keys' : 'rows')) {
      const columns = kind === 'restore-deleted' ? e.backupColumns : kind === 'restore-updated' ? e.restoreColumns : [];
      if (kind === 'restore-updated' && columns.length === 0) continue;
      steps.push({
        statement: e.statement,
        kind,
        table: e.table,
        backup: { schema: backupSchema, name: e.backupTable },
        keyColumns: e.keyColumns,
        columns,
        rows: e.rowsSaved ?? 0,
        original: e.statementText,
      });
    } else if (e.verb !== 'other' || e.rowsAffected > 0) {
      notUndoable.push({
        statement: e.statement,
        what: `${e.verb.toUpperCase()}${e.table ? ` on ${shown(e.table)}` : ''}${e.backupTable ? '' : ' (no backup)'}`,
      });
    }
  }
  const rolledBackBy = entries.find((e) => e.rolledBackBy !== null)?.rolledBackBy ?? null;
  return {
    ticketId,
    backupSchema,
    steps: steps.filter((s) => s.rows > 0),
    notUndoable,
    rolledBackBy,
    rows: steps.reduce((n, s) => n + s.rows, 0),
    legacyStatements: 0,
  };
}

/** The rollback ticket's SQL: one set-based statement per step, restoring from the backup tables. */
export function setBasedSql(plan: RollbackPlan): string[] {
  // biome-ignore lint/suspicious/useIterableCallbackReturn: the switch on step.kind is exhaustive (TypeScript checks it)
  return plan.steps.map((step) => {
    const t = qualified(step.table);
    const b = qualified(step.backup);
    const keys = step.keyColumns.map(quoteIdent);
    const head = `-- undo T-${plan.ticketId} statement ${step.statement}: ${oneLine(step.original)} (${step.rows.toLocaleString('en-US')} rows)\n`;
    switch (step.kind) {
      case 'restore-deleted': {
        const cols = step.columns.map(quoteIdent).join(', ');
        return `${head}INSERT INTO ${t} (${cols}) SELECT ${cols} FROM ${b}`;
      }
      case 'restore-updated': {
        // One table with a WHERE, so the restore is reviewed like any UPDATE and is itself backed up.
        const match = keys.map((k) => `b.${k} = t.${k}`).join(' AND ');
        const set = step.columns
          .map((c) => `t.${quoteIdent(c)} = (SELECT b.${quoteIdent(c)} FROM ${b} AS b WHERE ${match})`)
          .join(',\n    ');
        const list = keys.join(', ');
        const outer = keys.map((k) => `t.${k}`).join(', ');
        return `${head}UPDATE ${t} AS t SET ${set}\nWHERE ${keys.length === 1 ? outer : `(${outer})`} IN (SELECT ${list} FROM ${b})`;
      }
      case 'remove-inserted': {
        const list = keys.join(', ');
        return `${head}DELETE FROM ${t} WHERE ${keys.length === 1 ? list : `(${list})`} IN (SELECT ${list} FROM ${b})`;
      }
    }
  });
}

/** The rollback ticket's SQL text, statements separated by `;` and a blank line. */
export function rollbackSql(plan: RollbackPlan): string {
  return setBasedSql(plan)
    .map((s) => `${s};`)
    .join('\n\n');
}

function oneLine(sql: string, max = 100): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Rows per INSERT … VALUES and keys per DELETE … IN in the row-by-row script. */
const ROWS_PER_INSERT = 500;
const KEYS_PER_DELETE = 1000;
/** Bytes of SQL buffered before a write (fewer, larger writes are faster). */
const FLUSH_BYTES = 256 * 1024;

export interface StreamStats {
  rows: number;
  bytes: number;
}

/**
 * Write the rollback as plain SQL, row by row, streamed from the backup tables (flat memory at any
 * size): INSERT the deleted rows back, UPDATE changed columns back by key, DELETE inserted rows by
 * key. The script needs no backup table to run, so it stays useful after they are gone.
 */
export async function writeRowSql(pool: Pool, plan: RollbackPlan, out: Writable): Promise<StreamStats> {
  const stats: StreamStats = { rows: 0, bytes: 0 };
  let buffer = '';
  const emit = async (text: string) => {
    buffer += text;
    if (buffer.length < FLUSH_BYTES) return;
    await write(out, buffer);
    stats.bytes += Buffer.byteLength(buffer);
    buffer = '';
  };
  await emit(
    `-- Rollback of T-${plan.ticketId}, generated by dbops from the before-images in ${plan.backupSchema}.\n-- Run the statements in this order; each block undoes one statement, last statement first.\n`,
  );
  const conn = await pool.getConnection();
  try {
    for (const step of plan.steps) {
      await emit(
        `\n-- undo statement ${step.statement}: ${oneLine(step.original)} (${step.rows.toLocaleString('en-US')} rows)\n`,
      );
      stats.rows += await writeStep(conn, step, emit);
    }
  } finally {
    conn.release();
  }
  if (buffer) {
    await write(out, buffer);
    stats.bytes += Buffer.byteLength(buffer);
  }
  return stats;
}

async function writeStep(conn: PoolConnection, step: UndoStep, emit: (text: string) => Promise<void>): Promise<number> {
  const info = await readTableInfo(queryable(conn), step.backup);
  if (!info) throw new Error(`the backup table ${shown(step.backup)} is gone`);
  const classOf = new Map(info.columns.map((c) => [c.name.toLowerCase(), valueClass(c.dataType)]));
  const encoder = (name: string): Encoder => encoderFor(classOf.get(name.toLowerCase()) ?? 'text');
  const keys = step.keyColumns;
  const wanted = step.kind === 'remove-inserted' ? keys : [...keys, ...step.columns.filter((c) => !keys.includes(c))];
  const encoders = wanted.map(encoder);
  const t = qualified(step.table);
  const keyIdents = keys.map(quoteIdent);
  const select = `SELECT ${wanted.map(quoteIdent).join(', ')} FROM ${qualified(step.backup)} ORDER BY ${keyIdents.join(', ')}`;
  const stream = coreConnection(conn)
    .query({ sql: select, typeCast: false, rowsAsArray: true })
    .stream({ highWaterMark: 2000 });
  let rows = 0;
  let batch: string[] = [];
  const flushBatch = async () => {
    if (batch.length === 0) return;
    if (step.kind === 'restore-deleted') {
      await emit(`INSERT INTO ${t} (${wanted.map(quoteIdent).join(', ')}) VALUES\n${batch.join(',\n')};\n`);
    } else {
      const where = keys.length === 1 ? `${keyIdents[0]} IN (${batch.join(', ')})` : batch.join('\n   OR ');
      await emit(`DELETE FROM ${t} WHERE ${where};\n`);
    }
    batch = [];
  };
  const setParts = step.columns.map((c) => `${quoteIdent(c)} = `);
  for await (const raw of stream) {
    const values = rowValues(raw);
    rows++;
    if (step.kind === 'restore-updated') {
      let sql = `UPDATE ${t} SET `;
      for (let i = 0; i < setParts.length; i++)
        sql += (i > 0 ? ', ' : '') + setParts[i] + encoders[keys.length + i](values[keys.length + i]);
      sql += ` WHERE ${keyCondition(keyIdents, encoders, values)};\n`;
      await emit(sql);
      continue;
    }
    if (step.kind === 'restore-deleted') {
      let tuple = '(';
      for (let i = 0; i < encoders.length; i++) tuple += (i > 0 ? ', ' : '') + encoders[i](values[i]);
      batch.push(`${tuple})`);
      if (batch.length >= ROWS_PER_INSERT) await flushBatch();
      continue;
    }
    batch.push(keys.length === 1 ? encoders[0](values[0]) : `(${keyCondition(keyIdents, encoders, values)})`);
    if (batch.length >= KEYS_PER_DELETE) await flushBatch();
  }
  await flushBatch();
  return rows;
}

function keyCondition(
  keyIdents: readonly string[],
  encoders: readonly Encoder[],
  values: ReadonlyArray<Buffer | null>,
): string {
  let sql = '';
  for (let i = 0; i < keyIdents.length; i++)
    sql += `${(i > 0 ? ' AND ' : '') + keyIdents[i]} = ${encoders[i](values[i])}`;
  return sql;
}

/** A row of `rowsAsArray` + `typeCast: false`: raw bytes or NULL per column. */
function rowValues(raw: unknown): ReadonlyArray<Buffer | null> {
  if (!Array.isArray(raw)) throw new Error('expected a row as an array');
  return raw;
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}
