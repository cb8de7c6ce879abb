import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { messageOf } from '../kernel/errors.js';
import { pluralNoun, pluralSuffix } from '../kernel/format.js';
import { BackupError } from './errors.js';

/** What of a schema is not a table: what a set holds beside its tables, and restores with them. */
export interface ObjectNames {
  views: string[];
  triggers: string[];
  /** `PROCEDURE name` / `FUNCTION name`. */
  routines: string[];
  events: string[];
}

export const routineName = (type: string, name: string): string => `${type.toUpperCase()} ${name}`;

/** The views, triggers, routines and events of a schema, by name, sorted. */
export async function objectNames(db: Pool | PoolConnection, schema: string): Promise<ObjectNames> {
  const names = async (sql: string) => {
    const [rows] = await db.query<RowDataPacket[]>(sql, [schema]);
    return rows.map((r) => String(r.name)).sort();
  };
  return {
    views: await names(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'VIEW'",
    ),
    triggers: await names('SELECT TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?'),
    routines: await names(
      "SELECT CONCAT(ROUTINE_TYPE, ' ', ROUTINE_NAME) AS name FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION')",
    ),
    events: await names('SELECT EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?'),
  };
}

/** `2 views, 1 trigger, 3 routines` (kinds with none left out); empty when there are none at all. */
export function objectsSummary(names: ObjectNames): string {
  return (['views', 'triggers', 'routines', 'events'] as const)
    .filter((kind) => names[kind].length > 0)
    .map((kind) => pluralNoun(names[kind].length, kind))
    .join(', ');
}

/** What differs between the objects a manifest lists and those a restored schema has. */
export function compareObjects(expected: ObjectNames, found: ObjectNames): string[] {
  const problems: string[] = [];
  for (const kind of ['views', 'triggers', 'routines', 'events'] as const) {
    const missing = expected[kind].filter((n) => !found[kind].includes(n));
    const extra = found[kind].filter((n) => !expected[kind].includes(n));
    const word = kind.slice(0, -1);
    if (missing.length > 0) problems.push(`missing ${word}${pluralSuffix(missing.length)} ${missing.join(', ')}`);
    if (extra.length > 0)
      problems.push(`${word}${pluralSuffix(extra.length)} not in the manifest: ${extra.join(', ')}`);
  }
  return problems;
}

export type ObjectKind = 'VIEW' | 'TRIGGER' | 'PROCEDURE' | 'FUNCTION' | 'EVENT';

/** One object's definition as the server gives it back (names in it unqualified: read from its own schema). */
export interface SchemaObject {
  kind: ObjectKind;
  name: string;
  create: string;
  sqlMode: string | null;
  timeZone: string | null;
}

const ident = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/**
 * The definitions of a schema's views, triggers, routines and events, read on `conn` with the
 * schema as its current database, so that what they name in it comes back unqualified and can be
 * created in another schema as it is. Triggers in their firing order.
 */
export async function readObjects(conn: PoolConnection, schema: string): Promise<SchemaObject[]> {
  await conn.query(`USE ${ident(schema)}`);
  const out: SchemaObject[] = [];
  const read = async (sql: string, column: (kind: ObjectKind) => string) => {
    const [found] = await conn.query<RowDataPacket[]>(sql, [schema]);
    for (const { kind, name } of found as Array<{ kind: ObjectKind; name: string }>) {
      const [rows] = await conn.query<RowDataPacket[]>(`SHOW CREATE ${kind} ${ident(name)}`);
      const create = rows[0]?.[column(kind)];
      if (create == null)
        throw new BackupError(
          `cannot read the definition of ${kind.toLowerCase()} ${name} in ${schema}: the restoring user needs SHOW VIEW, TRIGGER, EVENT and SELECT on mysql.proc there`,
          false,
        );
      const mode = rows[0].sql_mode;
      const zone = rows[0].time_zone;
      out.push({
        kind,
        name,
        create: String(create),
        sqlMode: mode == null ? null : String(mode),
        timeZone: zone == null ? null : String(zone),
      });
    }
  };
  await read(
    "SELECT ROUTINE_TYPE AS kind, ROUTINE_NAME AS name FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? AND ROUTINE_TYPE IN ('PROCEDURE', 'FUNCTION') ORDER BY 1, 2",
    (kind) => (kind === 'PROCEDURE' ? 'Create Procedure' : 'Create Function'),
  );
  await read(
    "SELECT 'VIEW' AS kind, TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'VIEW' ORDER BY 2",
    () => 'Create View',
  );
  await read(
    "SELECT 'TRIGGER' AS kind, TRIGGER_NAME AS name FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER",
    () => 'SQL Original Statement',
  );
  await read(
    "SELECT 'EVENT' AS kind, EVENT_NAME AS name FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY 2",
    () => 'Create Event',
  );
  return out;
}

/** Drop objects (as read by readObjects) from `schema`. */
export async function dropObjects(conn: PoolConnection, schema: string, objects: SchemaObject[]): Promise<void> {
  for (const o of objects) await conn.query(`DROP ${o.kind} IF EXISTS ${ident(schema)}.${ident(o.name)}`);
}

/**
 * Create objects (as read by readObjects) in `schema`, each with the sql_mode (and an event's time
 * zone) it was defined with: routines, then views (a view over a view waits for it), triggers, events.
 */
export async function createObjects(conn: PoolConnection, schema: string, objects: SchemaObject[]): Promise<void> {
  await conn.query(`USE ${ident(schema)}`);
  const [saved] = await conn.query<RowDataPacket[]>('SELECT @@SESSION.sql_mode AS mode, @@SESSION.time_zone AS tz');
  const order: ObjectKind[] = ['PROCEDURE', 'FUNCTION', 'VIEW', 'TRIGGER', 'EVENT'];
  let pending = [...objects].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  try {
    while (pending.length > 0) {
      const failed: Array<{ object: SchemaObject; err: unknown }> = [];
      for (const object of pending) {
        try {
          if (object.sqlMode !== null) await conn.query('SET SESSION sql_mode = ?', [object.sqlMode]);
          if (object.timeZone !== null) await conn.query('SET SESSION time_zone = ?', [object.timeZone]);
          await conn.query(object.create);
        } catch (err) {
          if (object.kind !== 'VIEW') throw describe(object, schema, err);
          failed.push({ object, err });
        }
      }
      // Views that name views not created yet go round again; none created is a real failure.
      if (failed.length === pending.length) throw describe(failed[0].object, schema, failed[0].err);
      pending = failed.map((f) => f.object);
    }
  } finally {
    await conn.query('SET SESSION sql_mode = ?, SESSION time_zone = ?', [saved[0]?.mode, saved[0]?.tz]);
  }
}

function describe(object: SchemaObject, schema: string, err: unknown): BackupError {
  return new BackupError(
    `could not create ${object.kind.toLowerCase()} ${object.name} in ${schema}: ${messageOf(err)}`,
    false,
    { cause: err },
  );
}
