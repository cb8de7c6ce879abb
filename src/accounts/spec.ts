import { z } from 'zod';
import { KNOWN_PRIVILEGES, type Privilege } from './privileges.js';

/**
 * What a grant gives: privileges on a scope to an account, for a while. The same shape is the grant
 * ticket's payload (what DBAs approve and the seal covers) and the row in the `grants` table.
 * `schema: null` is every schema (`*.*`); `table: null` the whole schema (`shop.*`).
 */
export const GrantSpec = z.strictObject({
  cluster: z.string().min(1),
  schema: z.string().min(1).nullable(),
  table: z.string().min(1).nullable(),
  privileges: z.array(z.enum(KNOWN_PRIVILEGES as [Privilege, ...Privilege[]])).min(1),
  account: z.strictObject({ user: z.string().min(1), host: z.string().min(1) }),
  /** The requester's own account (named after them), which may be dropped when its last grant ends. */
  personal: z.boolean(),
  /** Seconds until it is revoked; null: until someone revokes it. */
  duration_seconds: z.number().int().positive().nullable(),
  reason: z.string().nullable(),
});
export type GrantSpec = z.infer<typeof GrantSpec>;

/** How a scope is written to people: `prod.shop.orders`, `prod.shop.*`, `prod.*.*`. */
export function scopeLabel(spec: Pick<GrantSpec, 'cluster' | 'schema' | 'table'>): string {
  if (spec.schema === null) return `${spec.cluster}.*.*`;
  return `${spec.cluster}.${spec.schema}.${spec.table ?? '*'}`;
}

/** `SELECT, INSERT`. */
export function privilegesLabel(privileges: readonly string[]): string {
  return privileges.join(', ');
}
