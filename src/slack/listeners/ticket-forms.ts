import type { App, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { parseTargetName } from '../../inventory/names.js';
import { parseRunTime } from '../../tickets/run-time.js';
import type { CommandDeps } from '../command.js';
import { ids } from '../ids.js';
import { guarded, type Scope } from './guard.js';
import { ViewState } from './view-state.js';
import { answerPrivately, type AnswerDeps, type Surface } from '../private-answer.js';
import { requestSqlChange } from '../../requests/sql-change.js';
import type { ModalOrigin } from '../views/ticket-modals.js';
import { stopRequestedNote } from '../views/ticket-progress.js';
import { announceFailedMessage, exceptionRequestedMessage, privateNote, problemNote } from '../views/ticket-replies.js';
import { findCluster, unknownClusterText } from '../../config/clusters.js';
import { requestAnswerMessage } from '../views/request-answer.js';

/** A submitted view: its id, metadata and the values of its inputs. */
const SubmittedView = z.object({
  id: z.string(),
  private_metadata: z.string().default(''),
  state: ViewState,
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
  /** A text input's value, or a select's, date picker's or time picker's choice; '' when empty. */
  value(block: string, action: string): string;
  /** Whether the submitted view has this input at all (forms change between versions). */
  has(block: string): boolean;
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
    value: (block, action) => {
      const v = values[block]?.[action];
      return (v?.value ?? v?.selected_option?.value ?? v?.selected_date ?? v?.selected_time ?? '').trim();
    },
    has: (block) => block in values,
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

  /**
   * A reason modal's submission: an unreadable one is logged, one without a reason is sent back
   * with `missing` under the box; otherwise it is acked (closing the form) and `act` runs.
   */
  const onReason = (
    modal: { callback: string; reasonBlock: string; reasonInput: string },
    names: { what: string; form: string; missing: string },
    act: (submitted: { user: string; ticketId: number; reason: string; surface: Surface }) => Promise<void>,
  ) =>
    app.view(
      modal.callback,
      guarded<FormArgs>({ what: names.what, logger: deps.logger, ack: 'own' }, async ({ ack, view, body }, scope) => {
        const form = readForm(view, body);
        const origin = Origin.safeParse(form?.metadata);
        if (!form || !origin.success) {
          await ack();
          deps.logger.warn(`unreadable ${names.form} form`, {});
          return;
        }
        const reason = form.value(modal.reasonBlock, modal.reasonInput);
        if (!reason) {
          await ack({ response_action: 'errors', errors: { [modal.reasonBlock]: names.missing } });
          return;
        }
        await ack();
        const surface = surfaceOfOrigin(origin.data);
        answerTo(scope, form.user, surface, origin.data.ticketId);
        await act({ user: form.user, ticketId: origin.data.ticketId, reason, surface });
      }),
    );

  onReason(
    ids.rejectModal,
    { what: 'reject', form: 'reject', missing: 'Say why, so the requester knows what to change.' },
    async ({ user, ticketId, reason, surface }) => {
      const result = await deps.tickets.reject({ ticketId, user, reason });
      if (!result.ok) return await answerPrivately(user, surface, privateNote(result.message), answer);
      await deps.announcer.rejected(result.ticket, user, reason);
      if (surface.kind !== 'message' || surface.ephemeral)
        await answerPrivately(user, surface, privateNote(`You rejected ${result.ticket.ref}.`, ':x:'), answer);
    },
  );

  onReason(
    ids.cancelModal,
    { what: 'cancel', form: 'cancel', missing: 'Say why, so the requester and the DBAs know.' },
    async ({ user, ticketId, reason, surface }) => {
      const result = await deps.tickets.cancel({ ticketId, user, reason });
      if (!result.ok) return await answerPrivately(user, surface, privateNote(result.message), answer);
      if (result.outcome === 'stop_requested') {
        await deps.announcer.stopRequested(result.ticket, user, reason);
        await answerPrivately(
          user,
          surface,
          privateNote(stopRequestedNote(result.ticket.ref), ':octagonal_sign:'),
          answer,
        );
        return;
      }
      // It ended between the click and the submission: it was cancelled before it ran.
      await deps.announcer.cancelled(result.ticket, user, result.jobRemoved);
      await answerPrivately(
        user,
        surface,
        privateNote(`${result.ticket.ref} is cancelled.`, ':no_entry_sign:'),
        answer,
      );
    },
  );

  onReason(
    ids.exceptionModal,
    { what: 'exception request', form: 'exception', missing: 'DBAs need a reason to accept the risk.' },
    async ({ user, ticketId, reason, surface }) => {
      const result = await deps.tickets.requestException({ ticketId, user, reason });
      if (!result.ok) return await answerPrivately(user, surface, privateNote(result.message), answer);
      const published = await deps.announcer.publish(result.ticket.id);
      const message = published.ok
        ? exceptionRequestedMessage(published.ticket, published.permalink)
        : announceFailedMessage(result.ticket, deps.config.slack.approval_channel, published.error);
      await answerPrivately(user, surface, message, answer, { replace: true });
    },
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
        ...(form.has(f.targetBlock)
          ? { target: form.value(f.targetBlock, f.targetInput) }
          : { cluster: form.value(f.clusterBlock, f.clusterInput), schema: form.value(f.schemaBlock, f.schemaInput) }),
        sql: form.value(f.sqlBlock, f.sqlInput),
        ...(form.has(f.runAtBlock)
          ? { runAt: form.value(f.runAtBlock, f.runAtInput) }
          : { date: form.value(f.dateBlock, f.dateInput), time: form.value(f.timeBlock, f.timeInput) }),
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
            runAt: checked.runAt || undefined,
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
  | { ok: true; target: { cluster: string; schema: string }; runAt: string }
  | { ok: false; errors: Record<string, string> };

/** The exec form as sent: cluster, schema and pickers (or the text fields of a form from before). */
export interface ExecFormInput {
  target?: string;
  cluster?: string;
  schema?: string;
  sql: string;
  runAt?: string;
  date?: string;
  time?: string;
}

/** Every problem at once, each under its field, before the form closes. */
export function checkExecForm(input: ExecFormInput, deps: Pick<CommandDeps, 'config' | 'clock'>): ExecFormCheck {
  const f = ids.execModal;
  const errors: Record<string, string> = {};
  const known = Object.keys(deps.config.clusters);
  const typed = input.target !== undefined;
  const clusterField = typed ? f.targetBlock : f.clusterBlock;
  const target = typed
    ? parseTargetName(input.target ?? '')
    : input.cluster && input.schema
      ? { cluster: input.cluster, schema: input.schema, table: undefined }
      : null;
  if (!typed && !input.cluster) errors[f.clusterBlock] = 'Pick the cluster to run it on.';
  if (!typed && !input.schema) errors[f.schemaBlock] = 'Name the schema, e.g. shop.';
  else if (!typed && input.schema && !/^[^.\s`]+$/.test(input.schema))
    errors[f.schemaBlock] = 'Only the schema name here, e.g. shop (the cluster is picked above).';
  if (typed && (!target || target.table))
    errors[f.targetBlock] = `Write the target as cluster.schema, e.g. ${known[0] ?? 'prod'}.shop`;
  const clusterName = target?.cluster ?? input.cluster;
  const cluster = clusterName ? findCluster(deps.config, clusterName) : undefined;
  if (clusterName && !cluster && !errors[clusterField])
    errors[clusterField] = capitalized(unknownClusterText(deps.config, clusterName));
  if (input.sql === '') errors[f.sqlBlock] = 'Write the SQL to run.';
  const phrase = typed || input.runAt !== undefined ? (input.runAt ?? '') : pickedTime(input);
  if (phrase === null) errors[f.timeBlock] = 'Pick a time too, or clear the date to start as soon as approved.';
  else if (cluster && phrase !== '') {
    const runTime = parseRunTime(phrase, cluster, deps.clock.now());
    const field = input.runAt !== undefined ? f.runAtBlock : input.date ? f.dateBlock : f.timeBlock;
    if (!runTime.ok) errors[field] = runTime.message.slice(0, 300);
  }
  if (!target || !cluster || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, target: { cluster: target.cluster, schema: target.schema }, runAt: phrase ?? '' };
}

/** `2026-11-25 01:30`, `01:30` (its next occurrence), '' (now), or null for a date without a time. */
function pickedTime(input: ExecFormInput): string | null {
  if (input.date && input.time) return `${input.date} ${input.time}`;
  if (input.date) return null;
  return input.time ?? '';
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
