import { z } from 'zod';
import type {
  ColumnShape,
  ForeignKeyShape,
  IncomingForeignKey,
  IndexShape,
  TableShape,
  TriggerShape,
} from './shape.js';

/**
 * information_schema rows (as read-schema.ts selects them) parsed with zod and turned into the
 * shapes of shape.ts. Pure: no server here.
 */

/** A number from information_schema: mysql2 returns BIGINT as a string with bigNumberStrings; null, '' or absent → null. */
const Count = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return null;
    const n = Number(v);
    if (Number.isFinite(n)) return n;
    ctx.issues.push({ code: 'custom', message: `not a number: ${v}`, input: v });
    return z.NEVER;
  });
const Text = z.string().nullable();
/** A text that may also be absent from the row (not selected). */
const Optional = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

export const TableRow = z.object({
  table_name: z.string(),
  table_type: z.string(),
  engine: Optional,
  table_collation: Optional,
  create_options: Optional,
  table_comment: Optional,
  table_rows: Count,
  data_length: Count,
  index_length: Count,
  data_free: Count,
  avg_row_length: Count,
  auto_increment: Count,
});
export const ColumnRow = z.object({
  table_name: z.string(),
  column_name: z.string(),
  ordinal_position: Count,
  data_type: z.string(),
  column_type: z.string(),
  is_nullable: z.string(),
  column_default: Text,
  extra: Text,
  character_set_name: Text,
  collation_name: Text,
  column_comment: Text,
  column_key: Text,
});
export const IndexRow = z.object({
  table_name: z.string(),
  index_name: z.string(),
  non_unique: Count,
  column_name: Text,
  sub_part: Count,
  collation: Text,
  cardinality: Count,
  index_type: Text,
});
export const ForeignKeyRow = z.object({
  table_name: z.string(),
  constraint_name: z.string(),
  column_name: z.string(),
  referenced_table_schema: z.string(),
  referenced_table_name: z.string(),
  referenced_column_name: z.string(),
  update_rule: z.string(),
  delete_rule: z.string(),
});
export const IncomingForeignKeyRow = z.object({
  constraint_schema: z.string(),
  table_name: z.string(),
  constraint_name: z.string(),
  referenced_table_name: z.string(),
});
export const TriggerRow = z.object({
  trigger_name: z.string(),
  event_object_table: z.string(),
  event_manipulation: z.string(),
  action_timing: z.string(),
  action_order: Count,
});

/** A table without its columns, indexes, keys and triggers (they are added from their own rows). */
export function toTable(schema: string, r: z.output<typeof TableRow>): TableShape {
  const createOptions = r.create_options ?? '';
  return {
    schema,
    name: r.table_name,
    type: r.table_type,
    engine: r.engine,
    collation: r.table_collation,
    createOptions,
    partitioned: /\bpartitioned\b/i.test(createOptions),
    comment: r.table_comment ?? '',
    rows: r.table_rows,
    dataBytes: r.data_length,
    indexBytes: r.index_length,
    freeBytes: r.data_free,
    avgRowLength: r.avg_row_length,
    autoIncrement: r.auto_increment,
    columns: [],
    indexes: [],
    foreignKeys: [],
    referencedBy: [],
    triggers: [],
  };
}

/**
 * What EXTRA says a column is: `VIRTUAL GENERATED`, `STORED GENERATED` (MariaDB before 10.2: bare
 * `VIRTUAL`, `PERSISTENT`), a system-versioned table's `ROW START` / `ROW END`; MySQL 8's
 * `DEFAULT_GENERATED` is an ordinary column with an expression default.
 */
export function extraFacts(extra: string): Pick<ColumnShape, 'autoIncrement' | 'onUpdate' | 'generated' | 'rowPeriod'> {
  const generated = /(^|\s)(VIRTUAL|STORED|PERSISTENT)(\s|$)/i.exec(extra)?.[2]?.toUpperCase();
  const period = /\bROW (START|END)\b/i.exec(extra)?.[1]?.toUpperCase();
  return {
    autoIncrement: /auto_increment/i.test(extra),
    onUpdate: /on update/i.test(extra),
    generated: generated === undefined ? null : generated === 'VIRTUAL' ? 'virtual' : 'stored',
    rowPeriod: period === undefined ? null : period === 'START' ? 'start' : 'end',
  };
}

export function toColumn(r: z.output<typeof ColumnRow>): ColumnShape {
  const extra = r.extra ?? '';
  return {
    name: r.column_name,
    position: r.ordinal_position ?? 0,
    dataType: r.data_type.toLowerCase(),
    columnType: r.column_type,
    nullable: r.is_nullable.toUpperCase() === 'YES',
    default: r.column_default,
    extra,
    ...extraFacts(extra),
    charset: r.character_set_name,
    collation: r.collation_name,
    comment: r.column_comment ?? '',
    key: r.column_key ?? '',
  };
}

/** Index rows (one per key part, in key order) grouped into indexes, in the order they come. */
export function groupIndexes(rows: ReadonlyArray<z.output<typeof IndexRow>>): Map<string, IndexShape[]> {
  const byTable = new Map<string, IndexShape[]>();
  for (const r of rows) {
    const indexes = byTable.get(r.table_name) ?? [];
    byTable.set(r.table_name, indexes);
    let index = indexes.find((i) => i.name === r.index_name);
    if (!index) {
      const primary = r.index_name === 'PRIMARY';
      index = { name: r.index_name, primary, unique: primary || r.non_unique === 0, type: r.index_type, parts: [] };
      indexes.push(index);
    }
    index.parts.push({
      column: r.column_name,
      subPart: r.sub_part,
      descending: r.collation?.toUpperCase() === 'D',
      cardinality: r.cardinality,
    });
  }
  return byTable;
}

/** Foreign key rows (one per column, in key order) grouped into keys, in the order they come. */
export function groupForeignKeys(rows: ReadonlyArray<z.output<typeof ForeignKeyRow>>): Map<string, ForeignKeyShape[]> {
  const byTable = new Map<string, ForeignKeyShape[]>();
  for (const r of rows) {
    const keys = byTable.get(r.table_name) ?? [];
    byTable.set(r.table_name, keys);
    let key = keys.find((k) => k.name === r.constraint_name);
    if (!key) {
      key = {
        name: r.constraint_name,
        columns: [],
        referencedSchema: r.referenced_table_schema,
        referencedTable: r.referenced_table_name,
        referencedColumns: [],
        onUpdate: r.update_rule,
        onDelete: r.delete_rule,
      };
      keys.push(key);
    }
    key.columns.push(r.column_name);
    key.referencedColumns.push(r.referenced_column_name);
  }
  return byTable;
}

export function toIncomingForeignKey(r: z.output<typeof IncomingForeignKeyRow>): IncomingForeignKey {
  return {
    name: r.constraint_name,
    schema: r.constraint_schema,
    table: r.table_name,
    referencedTable: r.referenced_table_name,
  };
}

export function toTrigger(r: z.output<typeof TriggerRow>): TriggerShape {
  return {
    name: r.trigger_name,
    table: r.event_object_table,
    event: r.event_manipulation,
    timing: r.action_timing,
    order: r.action_order ?? 0,
  };
}

/** Parse rows with a zod schema; a row that does not fit names the query it came from. */
export function parseRows<T extends z.ZodType>(rows: readonly unknown[], schema: T, sql: string): Array<z.output<T>> {
  return rows.map((row, i) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success)
      throw new Error(`unexpected information_schema row ${i + 1} for "${sql.slice(0, 60)}…": ${parsed.error.message}`);
    return parsed.data;
  });
}
