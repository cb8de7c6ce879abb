import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { readSchema } from '../db/schema/read-schema.js';
import { linkRows, type Link } from './connections.js';
import { keyName } from './ddl.js';
import { MigrateError } from './errors.js';
import { identList, qualified, quoteIdent } from './sql.js';
import type { MigrationPlan, TablePlan } from './types.js';
import { messageOf } from '../kernel/errors.js';

/** How long the swap waits for the tables it renames (a long query holding one delays it). */
const SWAP_LOCK_WAIT_SECONDS = 60;

async function tablesIn(link: Link, schema: string, names: readonly string[]): Promise<Set<string>> {
  return new Set((await readSchema(linkRows(link), schema, { tables: names })).tables.keys());
}

async function exec(link: Link, sql: string): Promise<ResultSetHeader> {
  const [result] = await link.run(link.db.query<ResultSetHeader>(sql));
  return result;
}

/**
 * Replace and fail modes: put every staging table in place with ONE `RENAME TABLE` (atomic: the
 * destination goes from all old tables to all new ones at once), drop the replaced tables, then add
 * the foreign keys back. Safe to run again: a RENAME already done is seen and skipped.
 */
export async function swapIn(plan: MigrationPlan, link: Link): Promise<void> {
  const schema = plan.spec.destination.schema;
  const tables = plan.tables;
  await exec(link, `SET SESSION foreign_key_checks = 0, lock_wait_timeout = ${SWAP_LOCK_WAIT_SECONDS}`);
  const present = await tablesIn(
    link,
    schema,
    tables.flatMap((t) => [t.name, t.staging, t.old]),
  );
  const staged = tables.filter((t) => present.has(t.staging));
  if (staged.length === tables.length) {
    const renames: string[] = [];
    for (const t of tables) {
      if (present.has(t.name)) {
        if (plan.spec.mode === 'fail')
          throw new MigrateError(
            `\`${t.name}\` appeared in ${plan.spec.destination.cluster}.${schema} during the copy; mode fail leaves it alone (nothing was changed)`,
            false,
          );
        renames.push(`${qualified(schema, t.name)} TO ${qualified(schema, t.old)}`);
      }
      renames.push(`${qualified(schema, t.staging)} TO ${qualified(schema, t.name)}`);
    }
    await outsideKeys(link, plan, 'drop');
    await exec(link, `RENAME TABLE ${renames.join(', ')}`);
  } else if (staged.length > 0) {
    throw new MigrateError(
      `the staging tables of ${plan.runId} are incomplete (${staged.length} of ${tables.length}); nothing was swapped`,
      false,
    );
  }
  await outsideKeys(link, plan, 'add');
  const olds = tables.filter((t) => present.has(t.old) || present.has(t.name)).map((t) => qualified(schema, t.old));
  if (olds.length > 0) await exec(link, `DROP TABLE IF EXISTS ${olds.join(', ')}`);
  await addForeignKeys(link, schema, tables);
}

/**
 * Foreign keys of tables outside the copy that point at a replaced table: dropped before the RENAME
 * (which would carry them along to the replaced table) and added back after it, pointing at the new
 * table — with foreign_key_checks off, so rows are not checked against the new table. Each is
 * dropped only where present and added only where missing, so a re-run after a crash completes it.
 */
async function outsideKeys(link: Link, plan: MigrationPlan, action: 'drop' | 'add'): Promise<void> {
  for (const fk of plan.outsideKeys ?? []) {
    const { tables } = await readSchema(linkRows(link), fk.schema, {
      tables: [fk.table],
      include: { foreignKeys: true },
    });
    const table = tables.get(fk.table);
    if (!table) continue;
    const present = table.foreignKeys.some((k) => k.name === fk.constraint);
    if (action === 'drop' && present)
      await exec(link, `ALTER TABLE ${qualified(fk.schema, fk.table)} DROP FOREIGN KEY ${quoteIdent(fk.constraint)}`);
    if (action === 'add' && !present)
      await exec(link, `ALTER TABLE ${qualified(fk.schema, fk.table)} ADD ${fk.definition}`);
  }
}

/** Add each table's foreign keys that are not there yet (without checking rows: they come from a consistent source). */
async function addForeignKeys(link: Link, schema: string, tables: readonly TablePlan[]): Promise<void> {
  const withKeys = tables.filter((t) => t.ddl.foreignKeys.length > 0);
  const { tables: present } = await readSchema(linkRows(link), schema, {
    tables: withKeys.map((t) => t.name),
    include: { foreignKeys: true },
  });
  for (const table of withKeys) {
    const existing = new Set(present.get(table.name)?.foreignKeys.map((fk) => fk.name));
    const missing = table.ddl.foreignKeys.filter((fk) => !existing.has(keyName(fk) ?? ''));
    if (missing.length > 0)
      await exec(link, `ALTER TABLE ${qualified(schema, table.name)} ${missing.map((fk) => `ADD ${fk}`).join(', ')}`);
  }
}

/**
 * Append mode: tables new to the destination are renamed in as in `swapIn`; rows of the others are
 * added with INSERT … SELECT from their staging tables in ONE transaction (all tables or none), with
 * unique checks on so a duplicate key fails it. Not idempotent: run it as a journaled step.
 */
export async function appendRows(plan: MigrationPlan, link: Link): Promise<Map<string, number>> {
  const schema = plan.spec.destination.schema;
  const fresh = plan.tables.filter((t) => !t.existsInDestination);
  const existing = plan.tables.filter((t) => t.existsInDestination);
  if (fresh.length > 0) await swapIn({ ...plan, spec: { ...plan.spec, mode: 'fail' }, tables: fresh }, link);
  await exec(
    link,
    `SET SESSION unique_checks = 1, foreign_key_checks = 0, lock_wait_timeout = ${SWAP_LOCK_WAIT_SECONDS}`,
  );
  const appended = new Map<string, number>();
  await exec(link, 'START TRANSACTION');
  try {
    for (const t of existing) {
      const columns = identList(t.columns.map((c) => c.name));
      const order = t.key ? ` ORDER BY ${identList(t.key.columns.map((c) => c.name))}` : '';
      const result = await exec(
        link,
        `INSERT INTO ${qualified(schema, t.name)} (${columns}) SELECT ${columns} FROM ${qualified(schema, t.staging)}${order}`,
      );
      if (result.warningStatus > 0) {
        const [warnings] = await link.run(link.db.query<RowDataPacket[]>('SHOW WARNINGS LIMIT 3'));
        throw new MigrateError(
          `${t.name}: appending gave warnings, so nothing was appended: ${warnings.map((w) => String(w.Message)).join('; ')}`,
          false,
        );
      }
      appended.set(t.name, result.affectedRows);
    }
    await exec(link, 'COMMIT');
  } catch (err) {
    await link.run(link.db.query('ROLLBACK')).catch(() => undefined);
    if (err instanceof MigrateError) throw err;
    const message = messageOf(err);
    throw new MigrateError(
      `appending to ${plan.spec.destination.cluster}.${schema} failed, so nothing was appended: ${message}`,
      false,
      { cause: err },
    );
  }
  if (existing.length > 0)
    await exec(link, `DROP TABLE IF EXISTS ${existing.map((t) => qualified(schema, t.staging)).join(', ')}`);
  return appended;
}

/** Drop a run's staging tables (cancel, or a failure that will not be retried). Returns the names dropped. */
export async function dropStaging(plan: Pick<MigrationPlan, 'spec' | 'tables'>, link: Link): Promise<string[]> {
  const schema = plan.spec.destination.schema;
  const present = await tablesIn(
    link,
    schema,
    plan.tables.map((t) => t.staging),
  );
  const names = plan.tables.filter((t) => present.has(t.staging)).map((t) => t.staging);
  if (names.length > 0) await exec(link, `DROP TABLE IF EXISTS ${names.map((n) => qualified(schema, n)).join(', ')}`);
  return names;
}
