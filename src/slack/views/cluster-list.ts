import type { KnownBlock } from '@slack/types';
import type { ClusterView, InstanceView } from '../../inventory/service.js';
import { code, context, escapeMrkdwn, header, section, truncate, type Message } from '../../text/blocks.js';

const MAX_CLUSTERS_SHOWN = 20;

/** `/dbops clusters`: every cluster with environment, primary and replicas, version, reachability and real role. */
export function clusterListMessage(
  clusters: readonly ClusterView[],
  firingByCluster: ReadonlyMap<string, number>,
): Message {
  const blocks: KnownBlock[] = [header(`Clusters (${clusters.length})`)];
  for (const cluster of clusters.slice(0, MAX_CLUSTERS_SHOWN)) {
    const firing = firingByCluster.get(cluster.name) ?? 0;
    const alerts = firing > 0 ? ` · :rotating_light: ${firing} alert${firing === 1 ? '' : 's'} firing` : '';
    const lines = [
      `*${escapeMrkdwn(cluster.name)}* · ${cluster.env} · ${escapeMrkdwn(cluster.timezone)}${alerts}`,
      ...cluster.instances.map(instanceLine),
    ];
    blocks.push(section(truncate(lines.join('\n'), 2900)));
  }
  if (clusters.length > MAX_CLUSTERS_SHOWN)
    blocks.push(
      context(
        `…and ${clusters.length - MAX_CLUSTERS_SHOWN} more clusters: ${code('/dbops clusters <name>')} shows one.`,
      ),
    );
  const differing = clusters.reduce((n, c) => n + c.instances.filter((i) => i.differences.length > 0).length, 0);
  const down = clusters.reduce((n, c) => n + c.instances.filter((i) => !i.reachable).length, 0);
  blocks.push(context(summaryLine(down, differing)));
  return { text: `Clusters: ${clusters.map((c) => c.name).join(', ')}`, blocks };
}

function instanceLine(i: InstanceView): string {
  const role = i.configuredAs === 'primary' ? 'primary' : 'replica';
  if (!i.reachable) return `:red_circle: ${role} ${code(i.name)} — ${escapeMrkdwn(i.problem ?? 'unreachable')}`;
  const facts = i.facts;
  const parts = [
    facts?.version ?? '?',
    `read_only=${facts?.readOnly ? 'ON' : 'OFF'}`,
    replicationText(i),
    `really: ${i.actualRole ?? 'unknown'}`,
  ];
  const icon = i.differences.some((d) => d.severity === 'critical')
    ? ':red_circle:'
    : i.differences.length > 0
      ? ':large_orange_circle:'
      : ':large_green_circle:';
  const diffs = i.differences.map((d) => `\n      :warning: ${escapeMrkdwn(d.text)}`).join('');
  return `${icon} ${role} ${code(i.name)} — ${parts.map(escapeMrkdwn).join(' · ')}${diffs}`;
}

function replicationText(i: InstanceView): string {
  const facts = i.facts;
  if (!facts) return '';
  const repl = facts.replication;
  if (!repl)
    return facts.replicationReadable
      ? 'not replicating'
      : 'replica status unreadable (grant REPLICATION CLIENT / SLAVE MONITOR)';
  const lag = repl.lagSeconds === null ? 'lag unknown' : `lag ${repl.lagSeconds} s`;
  return `replica of ${repl.source} (IO ${repl.ioRunning ? 'Yes' : 'No'}, SQL ${repl.sqlRunning ? 'Yes' : 'No'}, ${lag})`;
}

function summaryLine(down: number, differing: number): string {
  const parts: string[] = [];
  if (down > 0) parts.push(`${down} instance${down === 1 ? '' : 's'} unreachable`);
  if (differing > 0)
    parts.push(
      `${differing} instance${differing === 1 ? '' : 's'} not in the role dbops.yml gives ${differing === 1 ? 'it' : 'them'} (monitors alert on it too)`,
    );
  return parts.length > 0 ? parts.join(' · ') : 'Every instance is reachable and in the role dbops.yml gives it.';
}
