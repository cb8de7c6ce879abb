import type { Cluster, DbopsConfig, Endpoint } from '../config/schema.js';
import { endpointName } from '../db/connection-options.js';
import type { ConfiguredRole } from './topology.js';

/** One instance the config names: a cluster's primary or one of its replicas. */
export interface ConfiguredInstance {
  cluster: string;
  clusterConfig: Cluster;
  endpoint: Endpoint;
  /** `host:port`, how instances are named everywhere (alerts, messages). */
  name: string;
  configuredAs: ConfiguredRole;
}

/** Every instance of every cluster, primaries first within each cluster, in config order. */
export function configuredInstances(config: Pick<DbopsConfig, 'clusters'>): ConfiguredInstance[] {
  const out: ConfiguredInstance[] = [];
  for (const [cluster, clusterConfig] of Object.entries(config.clusters)) {
    out.push({
      cluster,
      clusterConfig,
      endpoint: clusterConfig.primary,
      name: endpointName(clusterConfig.primary),
      configuredAs: 'primary',
    });
    for (const replica of clusterConfig.replicas) {
      out.push({ cluster, clusterConfig, endpoint: replica, name: endpointName(replica), configuredAs: 'replica' });
    }
  }
  return out;
}

/** The configured instance `name` (host:port) of `cluster`, or undefined when the config has none. */
export function findInstance(
  config: Pick<DbopsConfig, 'clusters'>,
  cluster: string,
  name: string,
): ConfiguredInstance | undefined {
  return configuredInstances(config).find((i) => i.cluster === cluster && i.name === name);
}
