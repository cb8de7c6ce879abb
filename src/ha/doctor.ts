import { endpointName } from '../db/connection-options.js';
import type { Cluster } from '../config/schema.js';
import { applyTopology, type RecordedTopology } from './topology.js';

/**
 * `dbops doctor`: apply the topologies switchovers recorded (so the instance checks that follow see
 * the real primaries) and say, per cluster, which primary dbops uses and whether dbops.yml still
 * names another one.
 */
export function topologyDoctor(
  clusters: Readonly<Record<string, Cluster>>,
  recorded: readonly RecordedTopology[],
): string {
  const before = new Map(Object.entries(clusters).map(([name, c]) => [name, endpointName(c.primary)]));
  const lines = applyTopology(clusters, recorded).map((outcome) => {
    const row = recorded.find((r) => r.cluster === outcome.cluster);
    if (!outcome.applied)
      return `WARN topology ${outcome.cluster}: the ${row?.reason ?? 'switchover'} recorded is not used: ${outcome.why}\n`;
    const yml = before.get(outcome.cluster);
    const now = row ? endpointName(row.primary) : '?';
    const by = row?.ticketId ? ` by T-${row.ticketId}` : '';
    return `ok   topology ${outcome.cluster}: primary ${now} (${row?.reason ?? 'switchover'}${by} at ${row?.changedAt ?? '?'} UTC)${yml !== now ? `; dbops.yml still says ${yml}: update it when convenient` : ''}\n`;
  });
  return lines.join('');
}
