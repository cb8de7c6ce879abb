import type { RowDataPacket } from 'mysql2/promise';
import { readSchema } from '../db/schema/read-schema.js';
import { linkRows, type Link } from './connections.js';
import { quoteIdent } from './sql.js';
import type { MigrationPlan } from './types.js';

/**
 * The destination schema of a run that found it missing: created before the copy with the source
 * schema's character set and collation, and dropped again when the run is cancelled or fails —
 * but only while it holds nothing but what this run put there (its staging tables, or the tables it
 * copied when they are all it holds), so a schema someone else filled meanwhile is never dropped.
 */
export async function createDestinationSchema(plan: MigrationPlan, link: Link): Promise<boolean> {
  const wanted = plan.createsSchema;
  if (!wanted) return false;
  const name = plan.spec.destination.schema;
  await link.run(
    link.db.query(
      `CREATE DATABASE IF NOT EXISTS ${quoteIdent(name)} CHARACTER SET ${link.db.escape(wanted.charset)} COLLATE ${link.db.escape(wanted.collation)}`,
    ),
  );
  return true;
}

/** What keeps a created schema from being dropped (tables, views or routines that are not this run's), empty when none. */
export async function foreignContent(plan: MigrationPlan, link: Link): Promise<string[]> {
  const name = plan.spec.destination.schema;
  const ours = new Set(plan.tables.flatMap((t) => [t.name, t.staging, t.old]));
  const { tables } = await readSchema(linkRows(link), name);
  const others = [...tables.keys()].filter((t) => !ours.has(t));
  const [routines] = await link.run(
    link.db.query<RowDataPacket[]>(
      'SELECT ROUTINE_NAME AS name FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ' +
        '? UNION ALL SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ?',
      [name, name],
    ),
  );
  return [...others, ...routines.map((r) => String(r.name))];
}

/**
 * Drop the schema the run created, if it holds only what the run put there. Returns whether it was
 * dropped, or what it holds besides.
 */
export async function dropCreatedSchema(
  plan: MigrationPlan,
  link: Link,
): Promise<{ dropped: true } | { dropped: false; holds: string[] }> {
  if (!plan.createsSchema) return { dropped: false, holds: [] };
  const [exists] = await link.run(
    link.db.query<RowDataPacket[]>('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
      plan.spec.destination.schema,
    ]),
  );
  if (exists.length === 0) return { dropped: false, holds: [] };
  const holds = await foreignContent(plan, link);
  if (holds.length > 0) return { dropped: false, holds };
  await link.run(link.db.query(`DROP DATABASE ${quoteIdent(plan.spec.destination.schema)}`));
  return { dropped: true };
}
