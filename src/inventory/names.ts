/** `cluster.schema` or `cluster.schema.table`, as typed on the command line. */
export interface TargetName {
  cluster: string;
  schema: string;
  table?: string;
}

const IDENT = '[A-Za-z0-9_$-]+';
const TARGET = new RegExp(`^(${IDENT})\\.(${IDENT})(?:\\.(${IDENT}))?$`);

/** Parse `prod.shop` / `prod.shop.orders` (backticks allowed around parts); undefined when it is not one. */
export function parseTargetName(text: string): TargetName | undefined {
  const match = TARGET.exec(text.replace(/`/g, '').trim());
  if (!match) return undefined;
  return { cluster: match[1], schema: match[2], ...(match[3] ? { table: match[3] } : {}) };
}

export function formatTarget(target: TargetName): string {
  return [target.cluster, target.schema, target.table].filter(Boolean).join('.');
}

export { requireCluster } from '../config/clusters.js';
