import { z } from 'zod';
import { readSchema, type RowsSource } from '../db/schema/read-schema.js';
import { oscTableNames, qualified, quoteIdent, shown, type TableName } from './names.js';

/** What pt-online-schema-change built on a table and nobody removed (a worker died mid-ALTER). */
export const OscLeftovers = z.strictObject({
  table: z.strictObject({ schema: z.string(), name: z.string() }),
  /** Its triggers (`pt_osc_<db>_<table>_ins/upd/del`) and the table each is on. */
  triggers: z.array(z.strictObject({ name: z.string(), on: z.string() })),
  /** The altered copy `_<table>_new`, with its estimated rows; null when it is not there. */
  newTable: z.strictObject({ name: z.string(), rows: z.number().int().nullable() }).nullable(),
  /** `_<table>_old`: the original after a cut-over; dbops never drops it on its own. */
  oldTable: z.strictObject({ name: z.string(), rows: z.number().int().nullable() }).nullable(),
});
export type OscLeftovers = z.infer<typeof OscLeftovers>;

interface Writer extends RowsSource {
  query(sql: string, values?: unknown[]): Promise<unknown>;
}

/** The tool's triggers on the table (or, after a cut-over, on `_<table>_old`) and its tables; null when none is there. */
export async function findOscLeftovers(db: RowsSource, table: TableName): Promise<OscLeftovers | null> {
  const { newTable, oldTable } = oscTableNames(table.name);
  const found = await readSchema(db, table.schema, {
    tables: [table.name, newTable, oldTable],
    include: { details: true, triggers: true },
  });
  const present = (name: string) => {
    const shape = found.tables.get(name);
    return shape ? { name, rows: shape.rows } : null;
  };
  const leftovers: OscLeftovers = {
    table: { schema: table.schema, name: table.name },
    // The server's LIKE 'pt\_osc\_%' compares without case, as this does.
    triggers: found.triggers.filter((t) => /^pt_osc_/i.test(t.name)).map((t) => ({ name: t.name, on: t.table })),
    newTable: present(newTable),
    oldTable: present(oldTable),
  };
  return leftovers.triggers.length > 0 || leftovers.newTable ? leftovers : null;
}

/** `1,234` or `1.2 M`: a row count as people read it. */
function rowCount(rows: number | null): string {
  if (rows === null) return 'rows unknown';
  if (rows >= 1_000_000) return `about ${(rows / 1_000_000).toFixed(1)} M rows`;
  return `about ${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}`;
}

function listed(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * What is left and what it does, in words:
 * "pt-online-schema-change left on shop.items: triggers pt_osc_shop_items_del, …_ins, …_upd and table _items_new
 * (about 1.2 M rows). Writes to items are doubled into _items_new until this is cleaned up."
 */
export function describeOscLeftovers(l: OscLeftovers): string {
  const onTable = l.triggers.filter((t) => t.on === l.table.name);
  const elsewhere = l.triggers.filter((t) => t.on !== l.table.name);
  const parts: string[] = [];
  if (onTable.length > 0)
    parts.push(`trigger${onTable.length === 1 ? '' : 's'} ${onTable.map((t) => t.name).join(', ')}`);
  if (elsewhere.length > 0)
    parts.push(
      `trigger${elsewhere.length === 1 ? '' : 's'} ${elsewhere.map((t) => `${t.name} (on ${t.on})`).join(', ')}`,
    );
  if (l.newTable) parts.push(`table ${l.newTable.name} (${rowCount(l.newTable.rows)})`);
  if (l.oldTable) parts.push(`table ${l.oldTable.name} (${rowCount(l.oldTable.rows)})`);
  const effects: string[] = [];
  if (onTable.length > 0 && l.newTable)
    effects.push(`Writes to ${l.table.name} are doubled into ${l.newTable.name} until this is cleaned up.`);
  else if (onTable.length > 0)
    effects.push(
      `Writes to ${l.table.name} fail while its triggers point at a table that is not there: clean this up at once.`,
    );
  if (l.oldTable)
    effects.push(
      `${l.oldTable.name} is the table as it was before the ALTER (the swap had happened); Clean up keeps it: drop it by hand once it is no longer needed.`,
    );
  return `pt-online-schema-change left on ${shown(l.table)}: ${listed(parts)}. ${effects.join(' ')}`.trim();
}

/** What Clean up drops, in order: the triggers first (a write would fail without their table), then the copy. */
export function oscCleanupPlan(l: OscLeftovers): string[] {
  return [...l.triggers.map((t) => `trigger ${t.name}`), ...(l.newTable ? [`table ${l.newTable.name}`] : [])];
}

/**
 * Remove what the tool left on `table`, as found now (never from a stale list): its triggers first,
 * then the copy `_<table>_new`. `_<table>_old` stays. Returns what was found, or null if nothing was.
 */
export async function removeOscLeftovers(db: Writer, table: TableName): Promise<OscLeftovers | null> {
  const found = await findOscLeftovers(db, table);
  if (!found) return null;
  for (const trigger of found.triggers)
    await db.query(`DROP TRIGGER IF EXISTS ${quoteIdent(table.schema)}.${quoteIdent(trigger.name)}`);
  if (found.newTable)
    await db.query(`DROP TABLE IF EXISTS ${qualified({ schema: table.schema, name: found.newTable.name })}`);
  return found;
}
