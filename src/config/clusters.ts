import { UsageError } from '../kernel/errors.js';
import { own } from '../own.js';
import { closest } from '../text/closest.js';
import type { Cluster, DbopsConfig } from './schema.js';

/** The cluster of dbops.yml called `name`, if there is one (never a property every object has, like `constructor`). */
export function findCluster(config: Pick<DbopsConfig, 'clusters'>, name: string): Cluster | undefined {
  return own(config.clusters, name);
}

/** What is wrong with a cluster name that is not in dbops.yml: the likely typo and the known ones. */
export function unknownClusterText(config: Pick<DbopsConfig, 'clusters'>, name: string): string {
  const known = Object.keys(config.clusters);
  const hint = closest(name, known);
  return `cluster \`${name}\` is not in dbops.yml${hint ? ` — did you mean \`${hint}\`?` : ''} (known: ${known.join(', ')})`;
}

/** The cluster a target names, or a UsageError that lists the known ones and the likely typo. */
export function requireCluster(config: Pick<DbopsConfig, 'clusters'>, name: string): Cluster {
  const cluster = findCluster(config, name);
  if (cluster) return cluster;
  throw new UsageError(unknownClusterText(config, name), 'not_found');
}
