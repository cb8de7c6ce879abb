import type { App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { parseTargetName } from '../../inventory/names.js';
import { parseRunTime } from '../../tickets/run-time.js';
import type { CommandDeps } from '../command.js';
import { ids } from '../ids.js';
import { guarded, type Scope } from './guard.js';
import { answerPrivately, type AnswerDeps, type Surface } from '../private-answer.js';
import { requestSqlChange } from '../../requests/sql-change.js';
import type { ModalOrigin } from '../views/ticket-modals.js';
import { stopRequestedNote } from '../views/ticket-progress.js';
import { announceFailedMessage, exceptionRequestedMessage, privateNote, problemNote } from '../views/ticket-replies.js';
import { findCluster } from '../../config/clusters.js';
import { requestAnswerMessage } from '../views/request-answer.js';

/** A submitted view: its id, metadata and the values of its inputs. */
const SubmittedView = z.object({
  id: z.string(),
  private_metadata: z.string().default(''),
  state: z.object({
    values: z.record(z.string(), z.record(z.string(), z.looseObject({ value: z.string().nullish() }))),
  }),
});
const Submitter = z.object({ user: z.looseObject({ id: z.string() }) });

const Origin = z.object({
  ticketId: z.number().int().positive(),
  channel: z.string().optional(),
  messageTs: z.string().optional(),
  responseUrl: z.string().optional(),
  home: z.boolean().optional(),
}) satisfies z.ZodType<ModalOrigin>;
const ExecMetadata = z.object({ channel: z.string() });

type FormArgs = SlackViewMiddlewareArgs<ViewSubmitAction>;

interface Form {
  viewId: string;
  user: string;
  metadata: unknown;
  value(block: string, action: string): string;
}

export function readForm(view: unknown, body: unknown): Form | null {
  const parsed = SubmittedView.safeParse(view);
  const submitter = Submitter.safeParse(body);
  if (!parsed.success || !submitter.success) return null;
  const { values } = parsed.data.state;
  return {
    viewId: parsed.data.id,
    user: submitter.data.user.id,
    metadata: safeJson(parsed.data.private_metadata),
    value: (block, action) => values[block]?.[action]?.value?.trim() ?? '',
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function surfaceOfOrigin(origin: ModalOrigin): Surface {
  if (origin.home) return { kind: 'home' };
  if (origin.channel && origin.messageTs)
    return {
      kind: 'message',
      channel: origin.channel,
      ts: origin.messageTs,
      ephemeral: origin.responseUrl !== undefined,
      responseUrl: origin.responseUrl,
    };
  return { kind: 'elsewhere', channel: origin.channel, responseUrl: origin.responseUrl };
}

/** The reject-reason, exception-reason and exec forms: check inline, ack (closing the form), then act. */
export function registerTicketForms(app: App, deps: CommandDeps, answer: AnswerDeps): void {
  /** Once the form is read: who to answer, where, and which ticket a failure concerns. */
  const answerTo = (scope: Scope, user: string, surface: Surface, ticketId?: number) => {
    scope.fields.user = user;
    if (ticketId !== undefined) {
      scope.fields.ticket = ticketId;
      scope.ticket = `T-${ticketId}`;
    }
    scope.tell = (message) => answerPrivately(user, surface, message, answer);
  };

  app.view(
    ids.rejectModal.callback,
    guarded<FormArgs>({ what: 'reject', logger: deps.logger, ack: 'own' }, async ({ ack, view, body }, scope) => {
      const form = readForm(view, body);
      const origin = Origin.safeParse(form?.metadata);
      if (!form || !origin.success) {
        await ack();
        deps.logger.warn('unreadable reject form', {});
        return;
      }
      const reason = form.value(ids.rejectModal.reasonBlock, ids.rejectModal.reasonInput);
      if (!reason) {
        await ack({
          response_action: 'errors',
          errors: { [ids.rejectModal.reasonBlock]: 'Say why, so the requester knows what to change.' },
        });
        return;
      }
      await ack();
      const surface = surfaceOfOrigin(origin.data);
      answerTo(scope, form.user, surface, origin.data.ticketId);
      const result = await deps.tickets.reject({ ticketId: origin.data.ticketId, user: form.user, reason });
      if (!result.ok) return await answerPrivately(form.user, surface, privateNote(result.message), answer);
      await deps.announcer.rejected(result.ticket, form.user, reason);
      if (surface.kind !== 'message' || surface.ephemeral)
        await answerPrivately(form.user, surface, privateNote(`You rejected ${result.ticket.ref}.`, ':x:'), answer);
    }),
  );

  app.view(
    ids.cancelModal.callback,
    guarded<FormArgs>({ what: 'cancel', logger: deps.logger, ack: 'own' }, async ({ ack, view, body }, scope) => {
      const form = readForm(view, body);
      const origin = Origin.safeParse(form?.metadata);
      if (!form || !origin.success) {
        await ack();
        deps.logger.warn('unreadable cancel form', {});
        return;
      }
      const reason = form.value(ids.cancelModal.reasonBlock, ids.cancelModal.reasonInput);
      if (!reason) {
        await ack({
          response_action: 'errors',
          errors: { [ids.cancelModal.reasonBlock]: 'Say why, so the requester and the DBAs know.' },
        });
        return;
      }
      await ack();
      const surface = surfaceOfOrigin(origin.data);
      answerTo(scope, form.user, surface, origin.data.ticketId);
      const result = await deps.tickets.cancel({ ticketId: origin.data.ticketId, user: form.user, reason });
      if (!result.ok) return await answerPrivately(form.user, surface, privateNote(result.message), answer);
      if (result.outcome === 'stop_requested') {
        await deps.announcer.stopRequested(result.ticket, form.user, reason);
        await answerPrivately(
          form.user,
          surface,
          privateNote(stopRequestedNote(result.ticket.ref), ':octagonal_sign:'),
          answer,
        );
        return;
      }
      // It ended between the click and the submission: it was cancelled before it ran.
      await deps.announcer.cancelled(result.ticket, form.user, result.jobRemoved);
      await answerPrivately(
        form.user,
        surface,
        privateNote(`${result.ticket.ref} is cancelled.`, ':no_entry_sign:'),
        answer,
      );
    }),
  );

  app.view(
    ids.exceptionModal.callback,
    guarded<FormArgs>(
      { what: 'exception request', logger: deps.logger, ack: 'own' },
      async ({ ack, view, body }, scope) => {
        const form = readForm(view, body);
        const origin = Origin.safeParse(form?.metadata);
        if (!form || !origin.success) {
          await ack();
          deps.logger.warn('unreadable exception form', {});
          return;
        }
        const reason = form.value(ids.exceptionModal.reasonBlock, ids.exceptionModal.reasonInput);
        if (!reason) {
          await ack({
            response_action: 'errors',
            errors: { [ids.exceptionModal.reasonBlock]: 'DBAs need a reason to accept the risk.' },
          });
          return;
        }
        await ack();
        const surface = surfaceOfOrigin(origin.data);
        answerTo(scope, form.user, surface, origin.data.ticketId);
        const result = await deps.tickets.requestException({ ticketId: origin.data.ticketId, user: form.user, reason });
        if (!result.ok) return await answerPrivately(form.user, surface, privateNote(result.message), answer);
        const published = await deps.announcer.publish(result.ticket.id);
        const message = published.ok
          ? exceptionRequestedMessage(published.ticket, published.permalink)
          : announceFailedMessage(result.ticket, deps.config.slack.approval_channel, published.error);
        await answerPrivately(form.user, surface, message, answer, { replace: true });
      },
    ),
  );

  app.view(
    ids.execModal.callback,
    guarded<FormArgs>({ what: 'exec form', logger: deps.logger, ack: 'own' }, async ({ ack, view, body }, scope) => {
      const form = readForm(view, body);
      const metadata = ExecMetadata.safeParse(form?.metadata);
      if (!form || !metadata.success) {
        await ack();
        deps.logger.warn('unreadable exec form', {});
        return;
      }
      const f = ids.execModal;
      const input = {
        target: form.value(f.targetBlock, f.targetInput),
        sql: form.value(f.sqlBlock, f.sqlInput),
        runAt: form.value(f.runAtBlock, f.runAtInput),
      };
      const checked = checkExecForm(input, deps);
      if (!checked.ok) {
        await ack({ response_action: 'errors', errors: checked.errors });
        return;
      }
      await ack();
      const surface: Surface = { kind: 'elsewhere', channel: metadata.data.channel };
      answerTo(scope, form.user, surface);
      scope.problem = (text) => problemNote(text);
      const message = requestAnswerMessage(
        await requestSqlChange(
          {
            user: form.user,
            target: checked.target,
            sql: input.sql,
            runAt: input.runAt || undefined,
            sourceKey: `exec-form:${form.viewId}`,
            channel: metadata.data.channel,
          },
          deps,
        ),
      );
      await answerPrivately(form.user, surface, message, answer);
    }),
  );
}

type ExecFormCheck =
  | { ok: true; target: { cluster: string; schema: string } }
  | { ok: false; errors: Record<string, string> };

/** Problems Slack shows under the fields, before the form closes. */
export function checkExecForm(
  input: { target: string; sql: string; runAt: string },
  deps: Pick<CommandDeps, 'config' | 'clock'>,
): ExecFormCheck {
  const f = ids.execModal;
  const errors: Record<string, string> = {};
  const known = Object.keys(deps.config.clusters);
  const target = parseTargetName(input.target);
  const cluster = target ? findCluster(deps.config, target.cluster) : undefined;
  if (!target || target.table)
    errors[f.targetBlock] = `Write the target as cluster.schema, e.g. ${known[0] ?? 'prod'}.shop`;
  else if (!cluster)
    errors[f.targetBlock] = `Cluster "${target.cluster}" is not in dbops.yml (known: ${known.join(', ')})`;
  if (input.sql === '') errors[f.sqlBlock] = 'Write the SQL to run.';
  if (cluster && input.runAt !== '') {
    const runTime = parseRunTime(input.runAt, cluster, deps.clock.now());
    if (!runTime.ok) errors[f.runAtBlock] = runTime.message.slice(0, 300);
  }
  if (!target || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, target: { cluster: target.cluster, schema: target.schema } };
}
