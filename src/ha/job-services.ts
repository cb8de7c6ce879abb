import type { Cluster } from '../config/schema.js';
import type { TopologyStore } from './topology.js';

/**
 * What the switchover job gets through its JobContext (`ctx.services.ha`), built once per worker
 * process by src/wiring.
 */
export interface HaJobServices {
  /** This process's clusters (the object every pool reads: a recorded topology is applied to it). */
  clusters: Readonly<Record<string, Cluster>>;
  topology: TopologyStore;
  /** Where `password_env` and `ha.replication_password_env` are read (the worker's environment). */
  secrets: NodeJS.ProcessEnv;
  /** Values masked in hooks' output (passwords, tokens). */
  scrub: readonly string[];
}
