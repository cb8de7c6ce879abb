import type { App, SlackActionMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import { parseGrantRef } from '../../accounts/grant-store.js';
import { accountSql } from '../../accounts/account.js';
import { canRevokeGrant } from '../../tickets/policy.js';
import type { CommandDeps } from '../command.js';
import { requestGrant } from '../../requests/grant.js';
import { ids } from '../ids.js';
import { guarded } from './guard.js';
import { ViewState } from './view-state.js';
import { answerPrivately, ClickSource, surfaceOf, type AnswerDeps, type Surface } from '../private-answer.js';
import { durationText, grantModalView, grantTextFromForm, passwordGoneModal, passwordModal } from '../views/grants.js';
import { privateNote } from '../views/ticket-replies.js';
import { requestAnswerMessage } from '../views/request-answer.js';

const GrantButtonValue = z.string().transform((value, ctx) => {
  const id = parseGrantRef(value);
  if (id === undefined) {
    ctx.addIssue({ code: 'custom', message: 'not a grant ref' });
    return z.NEVER;
  }
  return id;
});

const Click = ClickSource.extend({
  user: z.looseObject({ id: z.string() }),
  trigger_id: z.string(),
  actions: z.array(z.looseObject({ action_id: z.string(), value: GrantButtonValue })).min(1),
});

interface GrantClick {
  user: string;
  grantId: number;
  triggerId: string;
  surface: Surface;
}

const { grantModal } = ids;
const Submission = z.object({
  private_metadata: z.string(),
  state: ViewState,
});

/**
 * Grant buttons and form: Show password (the owner, once, in a modal), Revoke (owner or DBA), Extend…
 * (the request form filled from the grant), and the form's submission. Each acks first.
 */
export function registerGrantActions(app: App, deps: CommandDeps, answer: AnswerDeps): void {
  const tell = (click: GrantClick, text: string, icon?: string) =>
    answerPrivately(click.user, click.surface, privateNote(text, icon), answer);
  const on = (actionId: string, handle: (click: GrantClick) => Promise<void>) => {
    app.action(
      actionId,
      guarded<SlackActionMiddlewareArgs>({ what: 'grant button', logger: deps.logger }, async ({ body }, scope) => {
        const parsed = Click.safeParse(body);
        if (!parsed.success) {
          deps.logger.warn('unreadable grant button click', { actionId });
          return;
        }
        const click: GrantClick = {
          user: parsed.data.user.id,
          grantId: parsed.data.actions[0].value,
          triggerId: parsed.data.trigger_id,
          surface: surfaceOf(parsed.data),
        };
        Object.assign(scope.fields, { actionId, grant: click.grantId, user: click.user });
        scope.tell = (message) => answerPrivately(click.user, click.surface, message, answer);
        if (!deps.grants) throw new Error('grants are not available in this dbops process');
        await handle(click);
      }),
    );
  };

  on(ids.grantActions.showPassword, async (click) => {
    const bot = deps.grants;
    if (!bot) return;
    const { grant, reveal } = await bot.reveal(click.grantId, click.user);
    if (!grant) return tell(click, `There is no grant G-${click.grantId}.`);
    deps.logger.info('grant password requested', { grant: grant.ref, user: click.user, shown: reveal.ok });
    const cluster = deps.config.clusters[grant.cluster];
    const view = reveal.ok
      ? passwordModal(grant, reveal.password, cluster?.primary.host ?? grant.cluster, cluster?.primary.port ?? 3306)
      : passwordGoneModal(grant, reveal.reason);
    await deps.slack.client.views.open({ trigger_id: click.triggerId, view });
  });

  on(ids.grantActions.revoke, async (click) => {
    const bot = deps.grants;
    if (!bot) return;
    const grant = await bot.store.get(click.grantId);
    if (!grant) return tell(click, `There is no grant G-${click.grantId}.`);
    const verdict = canRevokeGrant(grant, click.user, await deps.dbas.members());
    if (!verdict.ok) return tell(click, verdict.message);
    await bot.revoke(grant, click.user);
    await tell(
      click,
      `${grant.ref} is being revoked from ${accountSql(grant.account)}; its owner will be told when it is done.`,
      ':lock:',
    );
  });

  on(ids.grantActions.extend, async (click) => {
    const grant = await deps.grants?.store.get(click.grantId);
    if (!grant) return tell(click, `There is no grant G-${click.grantId}.`);
    const scope =
      grant.schema === null
        ? `${grant.cluster}.*`
        : `${grant.cluster}.${grant.schema}${grant.table ? `.${grant.table}` : ''}`;
    await deps.slack.client.views.open({
      trigger_id: click.triggerId,
      view: grantModalView(
        {
          scope,
          privileges: grant.privileges.join(','),
          ...(grant.personal ? {} : { account: `${grant.account.user}@'${grant.account.host}'` }),
          duration: durationText(grant),
          reason: `extends ${grant.ref}${grant.reason ? `: ${grant.reason}` : ''}`,
        },
        JSON.stringify({ channel: '' }),
      ),
    });
  });

  app.view(
    grantModal.callback,
    guarded<SlackViewMiddlewareArgs>({ what: 'grant form', logger: deps.logger }, async ({ view, body }, scope) => {
      const parsed = Submission.safeParse(view);
      if (!parsed.success) {
        deps.logger.warn('unreadable grant form submission', { issues: parsed.error.issues.length });
        return;
      }
      const values = parsed.data.state.values;
      const value = (block: string, action: string) => values[block]?.[action]?.value?.trim() || undefined;
      const text = grantTextFromForm({
        scope: value(grantModal.scopeBlock, grantModal.scopeInput),
        privileges: value(grantModal.privilegesBlock, grantModal.privilegesInput),
        account: value(grantModal.accountBlock, grantModal.accountInput),
        duration: value(grantModal.durationBlock, grantModal.durationInput),
        reason: value(grantModal.reasonBlock, grantModal.reasonInput),
      });
      const user = body.user.id;
      Object.assign(scope.fields, { user });
      scope.tell = async (message) => {
        await deps.slack.dm(user, message);
      };
      const message = requestAnswerMessage(
        await requestGrant({ user, text, sourceKey: `grant-form:${view.id}` }, deps),
      );
      await deps.slack.dm(user, message);
    }),
  );
}
