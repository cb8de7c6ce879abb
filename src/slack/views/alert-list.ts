import type { KnownBlock } from '@slack/types';
import type { Alert, Silence } from '../../monitor/alert-store.js';
import { formatSeconds } from '../../kernel/format.js';
import { alertTitle } from '../../monitor/titles.js';
import { formatInZone } from '../../tickets/run-time.js';
import { context, escapeMrkdwn, plainToMrkdwn, header, section, truncate, type Message } from '../../text/blocks.js';
import { downInstances } from '../../monitor/alert-sink.js';
import { SEVERITY_ICON, sortBySeverity, where } from './alert-group.js';

const CLUSTERS_SHOWN = 20;

export interface AlertListInput {
  firing: readonly Alert[];
  silences: ReadonlyMap<string, Silence>;
  pending: number;
  zoneOf(cluster: string): string;
  now: Date;
}

/** `/dbops alerts`: what is firing now, grouped per cluster, with who acknowledged or silenced what. */
export function alertListMessage(input: AlertListInput): Message {
  const { firing, now } = input;
  const pending =
    input.pending > 0
      ? ` · ${input.pending} condition${input.pending === 1 ? '' : 's'} seen but not yet long enough to fire`
      : '';
  if (firing.length === 0) {
    return { text: 'No alerts are firing.', blocks: [section(`:white_check_mark: No alerts are firing.${pending}`)] };
  }
  const clusters = [...new Set(firing.map((a) => a.cluster))];
  const blocks: KnownBlock[] = [header(`${firing.length} alert${firing.length === 1 ? '' : 's'} firing`)];
  for (const cluster of clusters.slice(0, CLUSTERS_SHOWN)) {
    const alerts = sortBySeverity(firing.filter((a) => a.cluster === cluster));
    const down = downInstances(alerts);
    const zone = input.zoneOf(cluster);
    const lines = alerts.map((a) => {
      const since = a.firedAt ?? a.firstSeenAt;
      const notes = [
        down.has(a.instance) && a.checkId !== 'down' ? 'held: instance down' : '',
        a.ackedBy ? `acknowledged by <@${a.ackedBy}>` : '',
        input.silences.has(a.fingerprint)
          ? `silenced until ${formatInZone(input.silences.get(a.fingerprint)?.until ?? now, zone, now)}`
          : '',
      ].filter(Boolean);
      return `${SEVERITY_ICON[a.severity]} *${escapeMrkdwn(alertTitle(a.checkId))}*${where(a)} — ${plainToMrkdwn(a.valueText || truncate(a.summary, 120))} · since ${formatInZone(since, zone, now)} (${formatSeconds((now.getTime() - since.getTime()) / 1000)})${notes.length > 0 ? ` · _${notes.join(', ')}_` : ''}`;
    });
    blocks.push(section(truncate(`*${escapeMrkdwn(cluster)}*\n${lines.join('\n')}`, 2900)));
  }
  if (clusters.length > CLUSTERS_SHOWN) blocks.push(context(`…and ${clusters.length - CLUSTERS_SHOWN} more clusters.`));
  blocks.push(context(`Acknowledge or silence them on their message in the alert channel.${pending}`));
  return { text: `${firing.length} alerts firing`, blocks };
}
