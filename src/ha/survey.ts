import mysql from 'mysql2/promise';
import type { Cluster, Endpoint } from '../config/schema.js';
import { endpointName, instanceOptions } from '../db/connection-options.js';
import { explainConnectError } from '../inventory/probe-instance.js';
import { type NodeFacts, readNodeFacts, unreachable } from './node-facts.js';

/** Every instance of the cluster as it is now (in parallel, a connection of its own each), by `host:port`. */
export async function surveyCluster(
  cluster: Cluster,
  secrets: NodeJS.ProcessEnv,
  options: { connectTimeoutMs?: number; sampleMs?: number } = {},
): Promise<Map<string, NodeFacts>> {
  const endpoints = [cluster.primary, ...cluster.replicas];
  const facts = await Promise.all(endpoints.map((e) => readOne(cluster, e, secrets, options)));
  return new Map(facts.map((f) => [f.name, f]));
}

async function readOne(
  cluster: Cluster,
  endpoint: Endpoint,
  secrets: NodeJS.ProcessEnv,
  options: { connectTimeoutMs?: number; sampleMs?: number },
): Promise<NodeFacts> {
  const name = endpointName(endpoint);
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({
      ...instanceOptions(cluster, endpoint, secrets),
      connectTimeout: options.connectTimeoutMs ?? 3_000,
    });
    return await readNodeFacts(conn, name, options.sampleMs);
  } catch (err) {
    return unreachable(name, explainConnectError(err, cluster, endpoint, secrets));
  } finally {
    await conn?.end().catch(() => undefined);
  }
}
