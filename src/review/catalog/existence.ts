import { isObject, walk, type TableRef } from '../ast.js';
import { columnName, locate } from '../ast-dml.js';
import {
  droppedDatabase,
  droppedTables,
  qualified,
  renamedTables,
  tableDdl,
  targetTable,
  type TableDdl,
} from '../ast-ddl.js';
import type { FindingDraft, ReviewStatement } from '../types.js';
import { droppedIndexName, likeTable } from './apply-ddl.js';
import type { Catalog, CatalogTable } from './catalog.js';
import { findIndex, primaryKey, sameName } from './memory-catalog.js';
import { createdDatabase } from './names.js';
import { lookupTable, resolveColumn, statementScope, type Scope } from './resolve.js';

/**
 * The checks of builtin.walk-through: does every schema, table, column and index a statement
 * names exist (and every one it creates not exist yet), in the catalog as the earlier statements
 * of the batch left it.
 */
export interface WalkContext {
  stmt: ReviewStatement;
  catalog: Catalog;
  schema: string | undefined;
}

/** Findings, one per missing or clashing name. */
class Report {
  readonly findings: FindingDraft[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly stmt: ReviewStatement) {}

  add(key: string, message: string, locateParts?: string[]): void {
    if (this.seen.has(key.toLowerCase())) return;
    this.seen.add(key.toLowerCase());
    this.findings.push({
      message,
      ...(locateParts ? { fragment: locateParts.join(''), ...locate(this.stmt, locateParts) } : {}),
    });
  }
}

/** `name`, or `db.name` when the reference was qualified. */
function shown(ref: TableRef): string {
  return `\`${qualified(ref)}\``;
}

/** Does the table's schema exist? Reports it when not. Undefined when there is no schema to look in. */
function schemaExists(ctx: WalkContext, report: Report, ref: TableRef): boolean | undefined {
  const db = ref.db ?? ctx.schema;
  if (!db) return undefined;
  if (ctx.catalog.hasSchema(db)) return true;
  report.add(`schema:${db}`, `Schema \`${db}\` does not exist on the target.`, ref.db ? [ref.db] : undefined);
  return false;
}

/** The existing table a statement works on; reports a missing one. */
function existingTable(ctx: WalkContext, report: Report, ref: TableRef): CatalogTable | undefined {
  if (!schemaExists(ctx, report, ref)) return undefined;
  const table = lookupTable(ctx.catalog, ref, ctx.schema);
  if (!table)
    report.add(
      `table:${qualified(ref)}`,
      `Table ${shown(ref)} does not exist${ref.db ? '' : ` in \`${ctx.schema}\``}.`,
      [ref.table],
    );
  return table;
}

// ---- DML and queries ----

export function checkDml(ctx: WalkContext): FindingDraft[] {
  const { stmt, catalog, schema } = ctx;
  const report = new Report(stmt);
  const scope = statementScope(stmt.ast, catalog, schema);
  for (const source of scope.sources) existingTable(ctx, report, source.ref);
  if (report.findings.length > 0) return report.findings; // columns of a missing table say nothing more
  walk(stmt.ast, (n) => {
    if (n.type === 'values') return false;
    if (n.type !== 'column_ref') return;
    const name = columnName(n);
    if (!name || name === '*' || name.toUpperCase() === 'DEFAULT') return;
    reportMissing(report, scope, n, name);
  });
  for (const item of assignedColumns(stmt.ast))
    reportMissing(report, scope, { type: 'column_ref', table: item.table, column: item.column }, item.column);
  return report.findings;
}

function reportMissing(report: Report, scope: Scope, ref: Record<string, unknown>, name: string): void {
  const resolved = resolveColumn(scope, ref);
  if (resolved.status !== 'missing') return;
  const where = resolved.source?.table
    ? `\`${resolved.source.table.name}\``
    : scope.sources.map((s) => `\`${s.ref.table}\``).join(', ');
  report.add(`column:${name}`, `Column \`${name}\` does not exist in ${where}.`, [name]);
}

/** Columns named by INSERT (…) lists, INSERT … SET and UPDATE … SET. */
function assignedColumns(ast: unknown): Array<{ table: string | null; column: string }> {
  if (!isObject(ast)) return [];
  const out: Array<{ table: string | null; column: string }> = [];
  const insertTable = ast.type === 'insert' || ast.type === 'replace' ? firstTable(ast.table) : null;
  if (Array.isArray(ast.columns) && insertTable) {
    for (const c of ast.columns) {
      const name = typeof c === 'string' ? c : isObject(c) ? columnName(c) : undefined;
      if (name) out.push({ table: insertTable, column: name });
    }
  }
  if (Array.isArray(ast.set)) {
    for (const item of ast.set) {
      if (!isObject(item) || typeof item.column !== 'string') continue;
      out.push({ table: typeof item.table === 'string' ? item.table : insertTable, column: item.column });
    }
  }
  return out;
}

function firstTable(list: unknown): string | null {
  const first: unknown = Array.isArray(list) ? list[0] : undefined;
  return isObject(first) && typeof first.table === 'string' ? first.table : null;
}

// ---- DDL ----

export function checkDdl(ctx: WalkContext): FindingDraft[] {
  const report = new Report(ctx.stmt);
  switch (ctx.stmt.kind) {
    case 'create-table':
      checkCreateTable(ctx, report);
      break;
    case 'alter-table':
    case 'create-index':
      checkAlter(ctx, report);
      break;
    case 'drop-index':
      checkDropIndex(ctx, report);
      break;
    case 'drop-table':
      if (!hasIfExists(ctx.stmt)) for (const ref of droppedTables(ctx.stmt)) existingTable(ctx, report, ref);
      break;
    case 'rename-table':
      checkRename(ctx, report);
      break;
    case 'create-database': {
      const name = createdDatabase(ctx.stmt);
      if (name && ctx.catalog.hasSchema(name) && !/\bIF\s+NOT\s+EXISTS\b/i.test(ctx.stmt.stripped))
        report.add(`schema:${name}`, `Schema \`${name}\` already exists on the target.`, [name]);
      break;
    }
    case 'drop-database': {
      const name = droppedDatabase(ctx.stmt);
      if (name && !ctx.catalog.hasSchema(name) && !hasIfExists(ctx.stmt))
        report.add(`schema:${name}`, `Schema \`${name}\` does not exist on the target.`, [name]);
      break;
    }
    default:
  }
  return report.findings;
}

function hasIfExists(stmt: ReviewStatement): boolean {
  return /^DROP\s+(?:TEMPORARY\s+)?(?:TABLES?|INDEX|DATABASE|SCHEMA)\s+IF\s+EXISTS\b/i.test(stmt.stripped);
}

function checkCreateTable(ctx: WalkContext, report: Report): void {
  const ddl = tableDdl(ctx.stmt);
  const ref = ddl?.table;
  if (!ddl || !ref || !schemaExists(ctx, report, ref)) return;
  if (lookupTable(ctx.catalog, ref, ctx.schema) && !ddl.ifNotExists) {
    report.add(`table:${qualified(ref)}`, `Table ${shown(ref)} already exists.`, [ref.table]);
  }
  if (ddl.copy === 'like') {
    const like = likeTable(ctx.stmt);
    if (like) existingTable(ctx, report, like);
  }
  for (const index of ddl.indexes) {
    const parent = index.references?.table;
    if (!parent || sameName(parent.table, ref.table)) continue;
    if (schemaExists(ctx, report, parent) && !lookupTable(ctx.catalog, parent, ctx.schema)) {
      report.add(
        `table:${qualified(parent)}`,
        `The foreign key references table ${shown(parent)}, which does not exist.`,
        [parent.table],
      );
    }
  }
}

/** ALTER TABLE and CREATE INDEX: the table exists, the columns and indexes changed exist, the added ones do not. */
function checkAlter(ctx: WalkContext, report: Report): void {
  const ddl = tableDdl(ctx.stmt);
  const ref = ddl?.table;
  if (!ddl || !ref) return;
  const table = existingTable(ctx, report, ref);
  if (!table || table.partial) return;
  const columns = new Set(table.columns.map((c) => c.name.toLowerCase()));
  const original = new Set(columns);
  const indexes = new Set(table.indexes.map((i) => i.name.toLowerCase()));
  const name = `\`${table.name}\``;
  const needColumn = (col: string) => {
    if (!original.has(col.toLowerCase()))
      report.add(`column:${col}`, `Column \`${col}\` does not exist in ${name}.`, [col]);
  };
  const addColumn = (col: string) => {
    if (columns.has(col.toLowerCase()))
      report.add(`column:${col}`, `Column \`${col}\` already exists in ${name}.`, [col]);
    columns.add(col.toLowerCase());
  };
  for (const action of ddl.actions) {
    switch (action.type) {
      case 'add-column':
        addColumn(action.column.name);
        break;
      case 'modify-column':
      case 'drop-column':
      case 'alter-column-default':
        needColumn(action.type === 'modify-column' ? action.column.name : action.name);
        if (action.type === 'drop-column') columns.delete(action.name.toLowerCase());
        break;
      case 'change-column':
      case 'rename-column': {
        const from = action.from;
        const to = action.type === 'change-column' ? action.column.name : action.to;
        needColumn(from);
        if (!sameName(from, to)) {
          columns.delete(from.toLowerCase());
          addColumn(to);
        }
        break;
      }
      case 'drop-index':
      case 'rename-index': {
        const index = action.type === 'drop-index' ? action.name : action.from;
        if (!indexes.has(index.toLowerCase()))
          report.add(`index:${index}`, `Index \`${index}\` does not exist on ${name}.`, [index]);
        indexes.delete(index.toLowerCase());
        if (action.type === 'rename-index') indexes.add(action.to.toLowerCase());
        break;
      }
      case 'drop-primary-key':
        if (!primaryKey(table)) report.add('index:PRIMARY', `${name} has no primary key to drop.`, ['PRIMARY', 'KEY']);
        break;
      case 'rename-table':
        if (lookupTable(ctx.catalog, { db: action.to.db ?? ref.db, table: action.to.table }, ctx.schema)) {
          report.add(`table:${action.to.table}`, `Table \`${action.to.table}\` already exists.`, [action.to.table]);
        }
        break;
      default:
    }
  }
  checkAddedIndexes(ddl, columns, indexes, table, report);
}

function checkAddedIndexes(
  ddl: TableDdl,
  columns: ReadonlySet<string>,
  indexes: Set<string>,
  table: CatalogTable,
  report: Report,
): void {
  for (const index of ddl.indexes) {
    if (index.kind === 'primary') {
      if (primaryKey(table) && !ddl.actions.some((a) => a.type === 'drop-primary-key'))
        report.add('index:PRIMARY', `\`${table.name}\` already has a primary key.`, ['PRIMARY', 'KEY']);
    } else if (index.name && index.kind !== 'foreign') {
      if (indexes.has(index.name.toLowerCase()))
        report.add(`index:${index.name}`, `Index \`${index.name}\` already exists on \`${table.name}\`.`, [index.name]);
      indexes.add(index.name.toLowerCase());
    }
    for (const col of index.columns) {
      if (!col.expression && col.name && !columns.has(col.name.toLowerCase())) {
        report.add(`column:${col.name}`, `Column \`${col.name}\` does not exist in \`${table.name}\`.`, [col.name]);
      }
    }
  }
}

function checkDropIndex(ctx: WalkContext, report: Report): void {
  const ref = targetTable(ctx.stmt);
  const index = droppedIndexName(ctx.stmt);
  const table = ref ? existingTable(ctx, report, ref) : undefined;
  if (!table || table.partial || !index || hasIfExists(ctx.stmt)) return;
  if (!findIndex(table, index))
    report.add(`index:${index}`, `Index \`${index}\` does not exist on \`${table.name}\`.`, [index]);
}

/** RENAME TABLE a TO b, c TO d: left to right, so `a TO tmp, b TO a, tmp TO b` swaps. */
function checkRename(ctx: WalkContext, report: Report): void {
  const key = (ref: TableRef) => `${(ref.db ?? ctx.schema ?? '').toLowerCase()}.${ref.table.toLowerCase()}`;
  const gone = new Set<string>();
  const added = new Set<string>();
  const exists = (ref: TableRef) =>
    added.has(key(ref)) || (!gone.has(key(ref)) && lookupTable(ctx.catalog, ref, ctx.schema) !== undefined);
  for (const { from, to } of renamedTables(ctx.stmt)) {
    if (!schemaExists(ctx, report, from) || !schemaExists(ctx, report, to)) continue;
    if (!exists(from)) report.add(`table:${qualified(from)}`, `Table ${shown(from)} does not exist.`, [from.table]);
    if (exists(to)) report.add(`table:${qualified(to)}`, `Table ${shown(to)} already exists.`, [to.table]);
    gone.add(key(from));
    added.delete(key(from));
    added.add(key(to));
    gone.delete(key(to));
  }
}
