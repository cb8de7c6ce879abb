import type { RowDataPacket } from 'mysql2/promise';
import { readSchema } from '../db/schema/read-schema.js';
import { linkRows, type Link } from './connections.js';
import { withoutDefiner } from './ddl.js';
import { renameSchema } from './rename-schema.js';
import { quoteIdent } from './sql.js';
import type { MigrateMode, StoredObjectKind } from './types.js';
import { messageOf } from '../kernel/errors.js';

/**
 * Views, triggers and routines of the source schema, recreated in the destination after the
 * tables are in place. Definitions are read with the source schema as the default database, so the
 * server prints them without it (they then resolve in the destination), and where their text still
 * names the source schema (`shop.orders` in a routine's body) it is rewritten to the destination's
 * name (rename-schema.ts); the DEFINER clause is
 * dropped, so each object belongs to dbops' user (the source's users may not exist there).
 * replace: an existing object of the same name is replaced; fail: it stops the job; append: kept.
 */
interface StoredObject {
  kind: 'view' | 'trigger' | 'function' | 'procedure';
  name: string;
  create: string;
  sqlMode: string | null;
  charset: string | null;
  collation: string | null;
}

export interface ObjectsResult {
  created: string[];
  skipped: string[];
}

async function rows(link: Link, sql: string, args: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await link.run(link.db.query<RowDataPacket[]>(sql, args));
  return result;
}

const text = (v: unknown): string | null =>
  v === null || v === undefined ? null : Buffer.isBuffer(v) ? v.toString('utf8') : String(v);

async function readObjects(
  link: Link,
  schema: string,
  kinds: ReadonlySet<StoredObjectKind>,
  tables: ReadonlySet<string>,
  destination: string,
): Promise<StoredObject[]> {
  await link.run(link.db.query(`USE ${quoteIdent(schema)}`));
  const objects: StoredObject[] = [];
  const show = async (kind: StoredObject['kind'], name: string, statementColumn: string) => {
    const [row] = await rows(link, `SHOW CREATE ${kind.toUpperCase()} ${quoteIdent(name)}`);
    const create = text(row?.[statementColumn]);
    if (!create)
      throw new Error(`no definition for ${kind} ${name} (does dbops' user have SHOW VIEW / SELECT on mysql.proc?)`);
    objects.push({
      kind,
      name,
      create: renameSchema(withoutDefiner(create), schema, destination),
      sqlMode: text(row.sql_mode),
      charset: text(row.character_set_client),
      collation: text(row.collation_connection),
    });
  };
  if (kinds.has('routines')) {
    for (const r of await rows(
      link,
      'SELECT ROUTINE_NAME AS name, ROUTINE_TYPE AS type FROM information_schema.ROUTINES ' +
        'WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_NAME',
      [schema],
    )) {
      const kind = String(r.type).toUpperCase() === 'FUNCTION' ? 'function' : 'procedure';
      await show(kind, String(r.name), kind === 'function' ? 'Create Function' : 'Create Procedure');
    }
  }
  if (kinds.has('views') || kinds.has('triggers')) {
    const found = await readSchema(linkRows(link), schema, { include: { triggers: kinds.has('triggers') } });
    if (kinds.has('views'))
      for (const table of found.tables.values())
        if (table.type === 'VIEW') await show('view', table.name, 'Create View');
    // A table's triggers in the order they fire, each created after the one it follows.
    const triggers = [...found.triggers].sort((a, b) => a.order - b.order);
    for (const trigger of triggers)
      if (tables.has(trigger.table)) await show('trigger', trigger.name, 'SQL Original Statement');
  }
  return objects;
}

async function existingObjects(link: Link, schema: string): Promise<Set<string>> {
  const found = new Set<string>();
  const present = await readSchema(linkRows(link), schema, { include: { triggers: true } });
  for (const table of present.tables.values()) if (table.type === 'VIEW') found.add(`view ${table.name}`);
  for (const trigger of present.triggers) found.add(`trigger ${trigger.name}`);
  for (const r of await rows(
    link,
    'SELECT ROUTINE_NAME AS name, LOWER(ROUTINE_TYPE) AS type FROM ' +
      'information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ?',
    [schema],
  ))
    found.add(`${String(r.type)} ${String(r.name)}`);
  return found;
}

/** Create the objects in the destination; views that need other views are retried until none makes progress. */
export async function copyObjects(
  source: Link,
  destination: Link,
  spec: {
    sourceSchema: string;
    destinationSchema: string;
    kinds: readonly StoredObjectKind[];
    mode: MigrateMode;
    tables: readonly string[];
  },
): Promise<ObjectsResult> {
  const objects = await readObjects(
    source,
    spec.sourceSchema,
    new Set(spec.kinds),
    new Set(spec.tables),
    spec.destinationSchema,
  );
  const result: ObjectsResult = { created: [], skipped: [] };
  if (objects.length === 0) return result;
  const exists = await existingObjects(destination, spec.destinationSchema);
  await destination.run(destination.db.query(`USE ${quoteIdent(spec.destinationSchema)}`));
  let pending = objects;
  while (pending.length > 0) {
    const failed: Array<{ object: StoredObject; err: unknown }> = [];
    for (const object of pending) {
      const label = `${object.kind} ${object.name}`;
      if (exists.has(label) && spec.mode === 'append') {
        result.skipped.push(label);
        continue;
      }
      if (exists.has(label) && spec.mode === 'fail')
        throw new Error(`${label} already exists in ${spec.destinationSchema}; mode fail leaves it alone`);
      try {
        await create(destination, object, exists.has(label));
        result.created.push(label);
      } catch (err) {
        failed.push({ object, err });
      }
    }
    if (failed.length === pending.length) {
      const first = failed[0];
      throw new Error(`could not create ${first.object.kind} ${first.object.name}: ${messageOf(first.err)}`);
    }
    pending = failed.map((f) => f.object);
  }
  return result;
}

async function create(link: Link, object: StoredObject, replace: boolean): Promise<void> {
  const settings = [`sql_mode = ${link.db.escape(object.sqlMode ?? '')}`];
  if (object.charset) settings.push(`character_set_client = ${link.db.escape(object.charset)}`);
  if (object.collation) settings.push(`collation_connection = ${link.db.escape(object.collation)}`);
  await link.run(link.db.query(`SET SESSION ${settings.join(', ')}`));
  if (replace) {
    const drop = object.kind === 'view' ? 'DROP VIEW' : `DROP ${object.kind.toUpperCase()}`;
    await link.run(link.db.query(`${drop} IF EXISTS ${quoteIdent(object.name)}`));
  }
  await link.run(link.db.query(object.create));
}
