import { z } from 'zod';
import type { KnownBlock } from '@slack/types';
import type { Alert } from '../../monitor/alert-store.js';
import { downInstances, type AlertGroupView } from '../../monitor/alert-sink.js';
import { formatSeconds, plural } from '../../kernel/format.js';
import { alertTitle } from '../../monitor/titles.js';
import { formatInZone } from '../../tickets/run-time.js';
import { ids } from '../ids.js';
import { context, escapeMrkdwn, plainToMrkdwn, header, section, truncate, type Message } from '../../text/blocks.js';

/** Alerts shown with their buttons (three blocks each: Slack allows 50 blocks a message). */
const SHOWN_FIRING = 14;
const SHOWN_RESOLVED = 8;

export type AlertGroupInput = AlertGroupView;

export const SEVERITY_ICON = { critical: ':red_circle:', warning: ':large_orange_circle:' } as const;

/**
 * The one message per cluster in the alert channel: every firing alert with severity, instance,
 * value, threshold and since when, each with Acknowledge / Silence buttons; resolved ones below.
 */
export function alertGroupMessage(input: AlertGroupInput): Message {
  const { cluster, env, alerts, closed } = input;
  const firing = sortBySeverity(alerts.filter((a) => a.state === 'firing'));
  const resolved = alerts.filter((a) => a.state === 'resolved');
  const down = downInstances(alerts);
  const blocks: KnownBlock[] = [];
  if (closed || firing.length === 0) {
    blocks.push(header(`:white_check_mark: ${cluster} (${env}): all clear`));
  } else {
    const critical = firing.filter((a) => a.severity === 'critical').length;
    const icon = critical > 0 ? ':rotating_light:' : ':warning:';
    blocks.push(header(`${icon} ${cluster} (${env}): ${firing.length} alert${firing.length === 1 ? '' : 's'} firing`));
  }
  const opened = alerts.reduce<Date | null>(
    (min, a) => (a.firedAt && (!min || a.firedAt < min) ? a.firedAt : min),
    null,
  );
  if (opened)
    blocks.push(
      context(
        `Since ${formatInZone(opened, input.timezone, input.now)} · times in ${input.timezone} · \`/dbops alerts\` lists everything firing`,
      ),
    );
  for (const alert of firing.slice(0, SHOWN_FIRING))
    blocks.push(...firingBlocks(alert, input, down.has(alert.instance) && alert.checkId !== 'down'));
  if (firing.length > SHOWN_FIRING)
    blocks.push(section(`…and ${firing.length - SHOWN_FIRING} more firing: \`/dbops alerts\` lists them all.`));
  if (resolved.length > 0) {
    const lines = resolved
      .slice(-SHOWN_RESOLVED)
      .map(
        (a) =>
          `:white_check_mark: ~${escapeMrkdwn(alertTitle(a.checkId))}${where(a)}~ resolved ${a.resolvedAt ? formatInZone(a.resolvedAt, input.timezone, input.now) : ''}${lasted(a)}${a.resolvedBy ? ` by <@${a.resolvedBy}>` : ''}${resolutionNote(a)}`,
      );
    if (resolved.length > SHOWN_RESOLVED)
      lines.unshift(`…${plural(resolved.length - SHOWN_RESOLVED, 'earlier resolved alert')}`);
    blocks.push(context(truncate(lines.join('\n'), 2900)));
  }
  return { text: messageText(cluster, firing, closed), blocks };
}

function firingBlocks(alert: Alert, input: AlertGroupInput, held: boolean): KnownBlock[] {
  const { timezone, now } = input;
  const since = alert.firedAt ?? alert.firstSeenAt;
  const count = alert.occurrences > 1 ? ` · *Occurrences* ${alert.occurrences}` : '';
  const text = [
    `${SEVERITY_ICON[alert.severity]} *${alert.severity.toUpperCase()} · ${escapeMrkdwn(alertTitle(alert.checkId))}*${where(alert)}`,
    plainToMrkdwn(truncate(alert.summary, 1200)),
    [
      alert.valueText ? `*Value* ${escapeMrkdwn(alert.valueText)}` : '',
      alert.thresholdText ? `*Threshold* ${escapeMrkdwn(alert.thresholdText)}` : '',
      `*Since* ${formatInZone(since, timezone, now)} (${formatSeconds((now.getTime() - since.getTime()) / 1000)})${count}`,
    ]
      .filter(Boolean)
      .join(' · '),
  ].join('\n');
  const blocks: KnownBlock[] = [section(text)];
  const notes: string[] = [];
  if (held) notes.push(':double_vertical_bar: Held while the instance is down: not re-checked, not re-notified.');
  if (alert.ackedBy && alert.ackedAt)
    notes.push(
      `:ballot_box_with_check: Acknowledged by <@${alert.ackedBy}> at ${formatInZone(alert.ackedAt, timezone, now)}`,
    );
  const silence = input.silences.get(alert.fingerprint);
  if (silence) notes.push(`:no_bell: Silenced by <@${silence.by}> until ${formatInZone(silence.until, timezone, now)}`);
  if (notes.length > 0) blocks.push(context(...notes));
  if (!input.closed) blocks.push(alertButtons(alert));
  return blocks;
}

/** What ended a resolved alert, when whoever resolved it said (`details.resolution`): ` — the primary answers again`. */
export function resolutionNote(alert: Pick<Alert, 'details'>): string {
  const parsed = z.object({ resolution: z.string().min(1) }).safeParse(alert.details);
  return parsed.success ? ` — ${plainToMrkdwn(truncate(parsed.data.resolution, 300))}` : '';
}

/** The replica a primary-down alert proposes (`details.candidate`), when it proposes one. */
export function failoverCandidate(alert: Pick<Alert, 'checkId' | 'details'>): string | null {
  if (alert.checkId !== 'primary-down') return null;
  const parsed = z.object({ candidate: z.string() }).safeParse(alert.details);
  return parsed.success ? parsed.data.candidate : null;
}

export function alertButtons(alert: Pick<Alert, 'id' | 'ackedBy' | 'checkId' | 'details'>): KnownBlock {
  const value = alertRef(alert.id);
  const candidate = failoverCandidate(alert);
  const elements = [
    ...(candidate
      ? [
          {
            type: 'button' as const,
            action_id: ids.alertActions.failover,
            text: { type: 'plain_text' as const, text: `Fail over to ${candidate}`.slice(0, 75) },
            style: 'danger' as const,
            value,
          },
        ]
      : []),
    ...(alert.ackedBy
      ? []
      : [
          {
            type: 'button' as const,
            action_id: ids.alertActions.acknowledge,
            text: { type: 'plain_text' as const, text: 'Acknowledge' },
            style: 'primary' as const,
            value,
          },
        ]),
    {
      type: 'button' as const,
      action_id: ids.alertActions.silenceHour,
      text: { type: 'plain_text' as const, text: 'Silence 1 h' },
      value,
    },
    {
      type: 'button' as const,
      action_id: ids.alertActions.silenceDay,
      text: { type: 'plain_text' as const, text: 'Silence 1 d' },
      value,
    },
  ];
  return { type: 'actions', block_id: `${ids.alertActions.blockPrefix}${alert.id}`, elements };
}

/** `alert-42`: how a button names its alert. */
export function alertRef(id: number): string {
  return `alert-${id}`;
}

export function parseAlertRef(value: string): number | null {
  const match = /^alert-(\d+)$/.exec(value.trim());
  return match ? Number(match[1]) : null;
}

/** " on `10.0.0.2:3306` (schema shop)" */
export function where(alert: Pick<Alert, 'instance' | 'subject' | 'checkId'>): string {
  const instance = alert.instance ? ` on \`${alert.instance}\`` : '';
  const subject = alert.subject ? ` (${escapeMrkdwn(alert.subject)})` : '';
  return instance + subject;
}

function lasted(alert: Alert): string {
  if (!alert.resolvedAt || !alert.firedAt) return '';
  return ` after ${formatSeconds((alert.resolvedAt.getTime() - alert.firedAt.getTime()) / 1000)}`;
}

export function sortBySeverity(alerts: readonly Alert[]): Alert[] {
  return [...alerts].sort((a, b) => (a.severity === b.severity ? a.id - b.id : a.severity === 'critical' ? -1 : 1));
}

function messageText(cluster: string, firing: readonly Alert[], closed: boolean): string {
  if (closed || firing.length === 0) return `${cluster}: all clear`;
  const first = firing[0];
  const more = firing.length > 1 ? ` (+${firing.length - 1} more)` : '';
  return `${cluster}: ${first.severity} — ${alertTitle(first.checkId)}${first.instance ? ` on ${first.instance}` : ''}${more}`;
}
