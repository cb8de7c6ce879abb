import type { Alert } from '../../monitor/alert-store.js';
import { formatSeconds } from '../../kernel/format.js';
import { alertTitle } from '../../monitor/titles.js';
import { escapeMrkdwn, plainToMrkdwn, section, truncate, type Message } from '../../text/blocks.js';
import { resolutionNote, SEVERITY_ICON, where } from './alert-group.js';

/** Thread replies under a cluster's alert message. Each is one message, however many alerts it names. */

const LISTED = 10;

function list(alerts: readonly Alert[], line: (a: Alert) => string): string {
  const lines = alerts.slice(0, LISTED).map(line);
  if (alerts.length > LISTED) lines.push(`…and ${alerts.length - LISTED} more`);
  return truncate(lines.join('\n'), 2900);
}

const firingLine = (a: Alert) =>
  `${SEVERITY_ICON[a.severity]} *${escapeMrkdwn(alertTitle(a.checkId))}*${where(a)}: ${plainToMrkdwn(truncate(a.summary, 300))}`;

/** Alerts that joined a group whose message was already posted. */
export function newAlertsReply(cluster: string, alerts: readonly Alert[]): Message {
  const text = `:rotating_light: New on ${cluster}:\n${list(alerts, firingLine)}`;
  return { text: `New alert on ${cluster}: ${alertTitle(alerts[0]?.checkId ?? '')}`, blocks: [section(text)] };
}

/** Alerts that became critical. */
export function escalatedReply(cluster: string, alerts: readonly Alert[]): Message {
  const text = `:arrow_double_up: Now critical on ${cluster}:\n${list(alerts, firingLine)}`;
  return { text: `Alert escalated to critical on ${cluster}`, blocks: [section(text)] };
}

const resolvedLine = (a: Alert) => {
  const lasted =
    a.firedAt && a.resolvedAt ? ` after ${formatSeconds((a.resolvedAt.getTime() - a.firedAt.getTime()) / 1000)}` : '';
  const by = a.resolvedBy ? ` (closed by <@${a.resolvedBy}>)` : '';
  return `:white_check_mark: *${escapeMrkdwn(alertTitle(a.checkId))}*${where(a)} resolved${lasted}${by}${resolutionNote(a)}`;
};

/** Alerts that ended while others of the cluster still fire. */
export function resolvedReply(cluster: string, alerts: readonly Alert[]): Message {
  return {
    text: `Resolved on ${cluster}: ${alertTitle(alerts[0]?.checkId ?? '')}`,
    blocks: [section(`Resolved on ${cluster}:\n${list(alerts, resolvedLine)}`)],
  };
}

/** The last alerts of the group ended: the resolved message, shown in the channel too. */
export function allClearReply(cluster: string, alerts: readonly Alert[]): Message {
  return {
    text: `${cluster}: all clear`,
    blocks: [section(`:white_check_mark: *${cluster}: all clear.*\n${list(alerts, resolvedLine)}`)],
  };
}

/** Firing alerts nobody acknowledged, announced again. */
export function renotifyReply(cluster: string, alerts: readonly Alert[], now: Date): Message {
  const line = (a: Alert) =>
    `${firingLine(a)} — firing for ${formatSeconds((now.getTime() - (a.firedAt ?? a.firstSeenAt).getTime()) / 1000)}`;
  return {
    text: `Still firing on ${cluster}, not acknowledged`,
    blocks: [section(`:bell: Still firing on ${cluster} and nobody has acknowledged:\n${list(alerts, line)}`)],
  };
}
