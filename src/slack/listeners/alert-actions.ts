import type { App, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { canHandleAlert } from '../../tickets/policy.js';
import { formatInZone } from '../../tickets/run-time.js';
import type { CommandDeps } from '../command.js';
import { ids } from '../ids.js';
import { guarded } from './guard.js';
import { answerPrivately, ClickSource, surfaceOf, type AnswerDeps, type Surface } from '../private-answer.js';
import { failoverCandidate, parseAlertRef } from '../views/alert-group.js';
import { requestSwitchover } from '../../requests/switchover.js';
import { requestAnswerMessage } from '../views/request-answer.js';
import { privateNote } from '../views/ticket-replies.js';

const HOUR_MS = 3_600_000;

/** An alert button's value: `alert-42`. */
const AlertButtonValue = z.string().transform((value, ctx) => {
  const id = parseAlertRef(value);
  if (id === null) {
    ctx.addIssue({ code: 'custom', message: 'not an alert ref' });
    return z.NEVER;
  }
  return id;
});

const Click = ClickSource.extend({
  user: z.looseObject({ id: z.string() }),
  actions: z.array(z.looseObject({ action_id: z.string(), value: AlertButtonValue })).min(1),
});

interface AlertClick {
  user: string;
  alertId: number;
  surface: Surface;
}

function readClick(body: unknown): AlertClick | null {
  const parsed = Click.safeParse(body);
  if (!parsed.success) return null;
  return { user: parsed.data.user.id, alertId: parsed.data.actions[0].value, surface: surfaceOf(parsed.data) };
}

/** Acknowledge, Silence 1 h and Silence 1 d on alert messages: ack, check the clicker is a DBA, then the alert service. */
export function registerAlertActions(app: App, deps: CommandDeps, answer: AnswerDeps): void {
  const tell = (click: AlertClick, text: string, icon?: string) =>
    answerPrivately(click.user, click.surface, privateNote(text, icon), answer);
  const on = (actionId: string, handle: (click: AlertClick) => Promise<void>) => {
    app.action(
      actionId,
      guarded<SlackActionMiddlewareArgs>({ what: 'alert button', logger: deps.logger }, async ({ body }, scope) => {
        const click = readClick(body);
        if (!click) {
          deps.logger.warn('unreadable alert button click', { actionId });
          return;
        }
        Object.assign(scope.fields, { actionId, alert: click.alertId, user: click.user });
        scope.tell = (message) => answerPrivately(click.user, click.surface, message, answer);
        const verdict = canHandleAlert(click.user, await deps.dbas.members());
        if (!verdict.ok) {
          await tell(click, verdict.message, ':lock:');
          return;
        }
        await handle(click);
      }),
    );
  };

  on(ids.alertActions.acknowledge, async (click) => {
    const result = await deps.alerts.acknowledge(click.alertId, click.user);
    if (!result.ok) await tell(click, result.message);
  });

  const silenceFor = (label: string, ms: number) => async (click: AlertClick) => {
    const result = await deps.alerts.silence(click.alertId, click.user, ms);
    if (!result.ok) {
      await tell(click, result.message);
      return;
    }
    const until = result.until
      ? ` until ${formatInZone(result.until, deps.alerts.zoneOf(result.alert.cluster), deps.clock.now())}`
      : '';
    await tell(
      click,
      `Silenced for ${label}${until}: no re-notifications, and if it fires again meanwhile it is recorded without a post.`,
      ':no_bell:',
    );
  };
  on(ids.alertActions.failover, async (click) => {
    const alert = (await deps.alerts.firing()).find((a) => a.id === click.alertId);
    const candidate = alert ? failoverCandidate(alert) : null;
    if (!alert || !candidate) {
      await tell(
        click,
        'This alert no longer fires, or proposes no failover: nothing was done. `/dbops clusters` shows the cluster now.',
      );
      return;
    }
    if (!deps.ha) {
      await tell(click, 'This dbops was started without switchovers: nothing was done.');
      return;
    }
    const plan = await deps.ha.plan(alert.cluster, candidate, 'failover');
    const answerMessage = requestAnswerMessage(
      await requestSwitchover(
        {
          user: click.user,
          cluster: alert.cluster,
          plan,
          requested: true,
          sourceKey: `failover:alert-${alert.id}`,
          approvedBy: click.user,
        },
        deps,
      ),
    );
    await answerPrivately(click.user, click.surface, answerMessage, answer);
  });
  on(ids.alertActions.silenceHour, silenceFor('1 hour', HOUR_MS));
  on(ids.alertActions.silenceDay, silenceFor('1 day', 24 * HOUR_MS));
}
