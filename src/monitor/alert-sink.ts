import type { Alert, Silence } from './alert-store.js';

/** What the cluster's alert message shows. */
export interface AlertGroupView {
  cluster: string;
  env: string;
  timezone: string;
  /** The group's alerts, firing and resolved. */
  alerts: readonly Alert[];
  /** Active silences by fingerprint. */
  silences: ReadonlyMap<string, Silence>;
  /** Nothing fires any more: the message says all clear and has no buttons. */
  closed: boolean;
  now: Date;
}

/** A message the sink posted, to edit it or reply under it. */
export interface PostedAlert {
  channel: string;
  ts: string;
}

/** What a thread reply under the cluster's message says about some of its alerts. */
export type AlertNews = 'new' | 'escalated' | 'resolved' | 'all-clear';

/**
 * Where the alert service shows alerts, without knowing Slack: src/slack/alert-announcer.ts
 * implements it (one message per cluster in the alert channel, replies in its thread).
 */
export interface AlertSink {
  /** Post the cluster's message. */
  postGroup(view: AlertGroupView): Promise<PostedAlert>;
  /** Edit it in place: null when edited, or why it could not be (it was deleted); other failures throw. */
  updateGroup(at: PostedAlert, view: AlertGroupView): Promise<string | null>;
  /** A thread reply naming these alerts; `broadcast` also shows it in the channel. */
  news(at: PostedAlert, news: AlertNews, cluster: string, alerts: readonly Alert[], broadcast: boolean): Promise<void>;
  /** A reminder of alerts that still fire, nobody having acknowledged them (also shown in the channel). */
  renotify(at: PostedAlert, cluster: string, alerts: readonly Alert[], now: Date): Promise<void>;
}

/** Instances of these alerts that are down: their other alerts are held, not re-evaluated. */
export function downInstances(alerts: readonly Alert[]): Set<string> {
  return new Set(alerts.filter((a) => a.state === 'firing' && a.checkId === 'down').map((a) => a.instance));
}
