import type { DbopsConfig } from '../config/schema.js';
import type { AlertNews, AlertSink } from '../monitor/alert-sink.js';
import type { Notifier } from './notifier.js';
import { slackErrorCode } from './ticket-announcer.js';
import { alertGroupMessage } from './views/alert-group.js';
import { allClearReply, escalatedReply, newAlertsReply, renotifyReply, resolvedReply } from './views/alert-replies.js';

const NEWS = { new: newAlertsReply, escalated: escalatedReply, resolved: resolvedReply, 'all-clear': allClearReply };

/** The alert service's messages in the alert channel: one per cluster, replies in its thread. */
export function createAlertAnnouncer(slack: Notifier, config: Pick<DbopsConfig, 'slack'>): AlertSink {
  return {
    postGroup: (view) => slack.post(config.slack.alert_channel, alertGroupMessage(view)),
    async updateGroup(at, view) {
      try {
        await slack.update(at.channel, at.ts, alertGroupMessage(view));
        return null;
      } catch (err) {
        const code = slackErrorCode(err);
        if (code === 'message_not_found' || code === 'cant_update_message') return code;
        throw err;
      }
    },
    async news(at, news: AlertNews, cluster, alerts, broadcast) {
      await slack.post(at.channel, NEWS[news](cluster, alerts), { threadTs: at.ts, broadcast });
    },
    async renotify(at, cluster, alerts, now) {
      await slack.post(at.channel, renotifyReply(cluster, alerts, now), { threadTs: at.ts, broadcast: true });
    },
  };
}
