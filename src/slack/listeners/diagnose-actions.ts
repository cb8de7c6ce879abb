import type { App, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { findCluster } from '../../config/clusters.js';
import type { KillKind } from '../../diagnose/types.js';
import { canKill } from '../../tickets/policy.js';
import { formatInZone } from '../../tickets/run-time.js';
import type { CommandDeps } from '../command.js';
import { ids } from '../ids.js';
import { guarded } from './guard.js';
import {
  answerPrivately,
  ClickSource,
  postToResponseUrl,
  surfaceOf,
  type AnswerDeps,
  type Surface,
} from '../private-answer.js';
import { code } from '../../text/blocks.js';
import { parseOpenChangeValue } from '../views/diagnose-slow.js';
import { execModalView } from '../views/ticket-modals.js';
import { killedText, parseKillButtonValue, topMessage } from '../views/diagnose-top.js';
import { privateNote, problemNote } from '../views/ticket-replies.js';

const Click = ClickSource.extend({
  user: z.looseObject({ id: z.string() }),
  trigger_id: z.string().optional(),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string() })).min(1),
});

interface DiagnoseClick {
  user: string;
  triggerId?: string;
  value: string;
  surface: Surface;
}

function readClick(body: unknown): DiagnoseClick | null {
  const parsed = Click.safeParse(body);
  if (!parsed.success) return null;
  return {
    user: parsed.data.user.id,
    triggerId: parsed.data.trigger_id,
    value: parsed.data.actions[0].value,
    surface: surfaceOf(parsed.data),
  };
}

/** Kill query / Kill connection on `/dbops top`, and Top on the App Home: ack, check, then the diagnosis service. */
export function registerDiagnoseActions(app: App, deps: CommandDeps, answer: AnswerDeps): void {
  const tell = (click: DiagnoseClick, text: string, icon?: string) =>
    answerPrivately(click.user, click.surface, privateNote(text, icon), answer);
  const on = (actionId: string, handle: (click: DiagnoseClick) => Promise<void>) => {
    app.action(
      actionId,
      guarded<SlackActionMiddlewareArgs>({ what: 'diagnose button', logger: deps.logger }, async ({ body }, scope) => {
        const click = readClick(body);
        if (!click) {
          deps.logger.warn('unreadable diagnose button click', { actionId });
          return;
        }
        Object.assign(scope.fields, { actionId, user: click.user });
        scope.tell = (message) => answerPrivately(click.user, click.surface, message, answer);
        scope.problem = (text) => problemNote(text);
        await handle(click);
      }),
    );
  };

  const kill = (kind: KillKind) => async (click: DiagnoseClick) => {
    const verdict = canKill(click.user, await deps.dbas.members());
    if (!verdict.ok) return tell(click, verdict.message, ':lock:');
    const value = parseKillButtonValue(click.value);
    if (!value) {
      deps.logger.warn('unreadable kill button value', { user: click.user });
      return tell(click, 'This button is not one dbops made; run `/dbops top` again.');
    }
    const outcome = await deps.diagnostics.kill({
      cluster: value.c,
      instance: value.i,
      threadId: value.t,
      kind,
      snapshot: value.s,
      user: value.u,
      statementHash: value.h,
      actor: click.user,
    });
    const zone = findCluster(deps.config, value.c)?.timezone ?? 'UTC';
    switch (outcome.kind) {
      case 'killed':
        return announceKill(click, killedText(click.user, kind, value.c, value.i, outcome.session));
      case 'duplicate':
        return tell(
          click,
          `<@${outcome.by}> already pressed Kill on thread ${value.t} from this read at ${formatInZone(outcome.at, zone, deps.clock.now())} (${outcome.outcome}); it is done once. Run \`/dbops top ${value.c}\` again to see it now.`,
          ':information_source:',
        );
      case 'ended':
      case 'refused':
        return answerPrivately(click.user, click.surface, problemNote(outcome.reason, ':information_source:'), answer);
    }
  };

  /** Said where the button was: in the channel (through the response_url), else the clicker's DM. */
  const announceKill = async (click: DiagnoseClick, text: string) => {
    const message = { text, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }] };
    const url = click.surface.kind === 'home' ? undefined : click.surface.responseUrl;
    if (url) {
      try {
        await postToResponseUrl(
          url,
          { response_type: 'in_channel', replace_original: false, text, blocks: message.blocks },
          answer,
        );
        return;
      } catch (err) {
        deps.logger.warn('could not say the kill in the channel; sending a DM', { user: click.user }, err);
      }
    }
    await deps.slack.dm(click.user, message);
  };

  on(ids.diagnose.killQuery, kill('query'));
  on(ids.diagnose.killConnection, kill('connection'));

  /** "Open change" on slow-statement advice: the exec form, prefilled; the change is then asked for like any other. */
  on(ids.diagnose.openChange, async (click) => {
    const value = parseOpenChangeValue(click.value);
    if (!value || !click.triggerId) return tell(click, 'This button is not one dbops made; run `/dbops slow` again.');
    const channel = click.surface.kind === 'home' ? undefined : click.surface.channel;
    await deps.slack.client.views.open({
      trigger_id: click.triggerId,
      view: execModalView({ channel: channel ?? '' }, Object.keys(deps.config.clusters), {
        target: value.t,
        sql: value.s || undefined,
      }),
    });
  });

  /** Top from the App Home: the answer goes to the clicker's DM with dbops. */
  on(ids.diagnose.top, async (click) => {
    const cluster = findCluster(deps.config, click.value);
    if (!cluster) return tell(click, `Cluster ${code(click.value)} is no longer in dbops.yml.`);
    const [snapshot, dba] = await Promise.all([deps.diagnostics.top(click.value), deps.dbas.isDba(click.user)]);
    await deps.slack.dm(click.user, topMessage(snapshot, { dba, timezone: cluster.timezone }));
  });
}
