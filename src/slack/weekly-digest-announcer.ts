import type { DbopsConfig } from '../config/schema.js';
import type { WeeklyDigestSink } from '../diagnose/weekly-digest.js';
import type { Notifier } from './notifier.js';
import { weeklyDigestMessage } from './views/weekly-digest.js';

/** The weekly digest as one message in the alert channel. */
export function createWeeklyDigestAnnouncer(slack: Notifier, config: Pick<DbopsConfig, 'slack'>): WeeklyDigestSink {
  return {
    async post(digest) {
      await slack.post(config.slack.alert_channel, weeklyDigestMessage(digest));
    },
  };
}
