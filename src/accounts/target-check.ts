import { readSchema, type SchemaSource } from '../db/schema/read-schema.js';
import { schemaNames } from '../db/schema/schemata.js';
import { closest } from '../text/closest.js';
import { accountSql } from './account.js';
import type { GrantStore } from './grant-store.js';
import { type GrantSpec, privilegesLabel, scopeLabel } from './spec.js';

export type TargetCheck = { ok: true } | { ok: false; message: string; duplicateOf?: string };

const SYSTEM = new Set(['mysql', 'information_schema', 'performance_schema', 'sys']);

/**
 * Before a ticket exists: the schema and table exist on the cluster (else the closest name), and the
 * account does not already hold these privileges on this scope through dbops (else say which grant,
 * so the requester extends it instead). Reads names only: no table is opened.
 */
export async function checkGrantTarget(db: SchemaSource, grants: GrantStore, spec: GrantSpec): Promise<TargetCheck> {
  if (spec.schema !== null) {
    const schemas = (await schemaNames(db)).filter((s) => !SYSTEM.has(s.toLowerCase()));
    if (!schemas.includes(spec.schema)) {
      const near = closest(spec.schema, schemas);
      return {
        ok: false,
        message: `there is no schema \`${spec.schema}\` on ${spec.cluster}${near ? ` (did you mean \`${near}\`?)` : ''}`,
      };
    }
    if (spec.table !== null) {
      const tables = [...(await readSchema(db, spec.schema)).tables.keys()];
      if (!tables.includes(spec.table)) {
        const near = closest(spec.table, tables);
        return {
          ok: false,
          message: `there is no table \`${spec.table}\` in ${spec.cluster}.${spec.schema}${near ? ` (did you mean \`${near}\`?)` : ''}`,
        };
      }
    }
  }
  const held = (await grants.sameScope(spec)).filter((g) => g.state === 'active');
  const covering = held.find((g) => spec.privileges.every((p) => g.privileges.includes(p)));
  if (covering)
    return {
      ok: false,
      duplicateOf: covering.ref,
      message: `${accountSql(spec.account)} already has ${privilegesLabel(spec.privileges)} on ${scopeLabel(spec)} through ${covering.ref}${covering.expiresAt ? ` until ${covering.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}: nothing new to grant. To keep it longer, use Extend… on its reminder or ask again once it ends`,
    };
  return { ok: true };
}
