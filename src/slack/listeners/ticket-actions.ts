import type { App, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { View } from '@slack/types';
import { z } from 'zod';
import { canCancel, canReject, canRequestException, staleClickMessage, type Verdict } from '../../tickets/policy.js';
import { parseTicketId, type Ticket } from '../../tickets/ticket.js';
import type { CommandDeps } from '../command.js';
import { ids } from '../ids.js';
import { guarded } from './guard.js';
import { answerPrivately, ClickSource, surfaceOf, type AnswerDeps, type Surface } from '../private-answer.js';
import { cancelModalView, exceptionModalView, rejectModalView, type ModalOrigin } from '../views/ticket-modals.js';
import { stopRequestedNote } from '../views/ticket-progress.js';
import { privateNote, retriedNote } from '../views/ticket-replies.js';

/** A ticket button's value: the ticket ref (`T-42`). */
export const TicketButtonValue = z.string().transform((value, ctx) => {
  const id = parseTicketId(value);
  if (id === null) {
    ctx.addIssue({ code: 'custom', message: 'not a ticket ref' });
    return z.NEVER;
  }
  return id;
});

const Click = ClickSource.extend({
  user: z.looseObject({ id: z.string() }),
  trigger_id: z.string().optional(),
  actions: z.array(z.looseObject({ action_id: z.string(), value: TicketButtonValue })).min(1),
});

export interface TicketClick {
  user: string;
  ticketId: number;
  triggerId?: string;
  surface: Surface;
}

export function readClick(body: unknown): TicketClick | null {
  const parsed = Click.safeParse(body);
  if (!parsed.success) return null;
  const { user, trigger_id, actions } = parsed.data;
  return { user: user.id, ticketId: actions[0].value, triggerId: trigger_id, surface: surfaceOf(parsed.data) };
}

/** What a modal opened from a click needs to answer on the same surface afterwards. */
export function originOf(click: TicketClick): ModalOrigin {
  const { surface, ticketId } = click;
  if (surface.kind === 'home') return { ticketId, home: true };
  if (surface.kind === 'message')
    return {
      ticketId,
      channel: surface.channel,
      messageTs: surface.ts,
      ...(surface.ephemeral && surface.responseUrl ? { responseUrl: surface.responseUrl } : {}),
    };
  return {
    ticketId,
    ...(surface.channel ? { channel: surface.channel } : {}),
    ...(surface.responseUrl ? { responseUrl: surface.responseUrl } : {}),
  };
}

/** Approve, Reject…, Request exception…, Cancel and Retry on any surface: ack, then the service, then Slack. */
export function registerTicketActions(app: App, deps: CommandDeps, answer: AnswerDeps): void {
  const on = (actionId: string, handle: (click: TicketClick) => Promise<void>) => {
    app.action(
      actionId,
      guarded<SlackActionMiddlewareArgs>({ what: 'ticket button', logger: deps.logger }, async ({ body }, scope) => {
        const click = readClick(body);
        if (!click) {
          deps.logger.warn('unreadable ticket button click', { actionId });
          return;
        }
        Object.assign(scope.fields, { actionId, ticket: click.ticketId, user: click.user });
        scope.ticket = `T-${click.ticketId}`;
        scope.tell = (message) => answerPrivately(click.user, click.surface, message, answer);
        await handle(click);
      }),
    );
  };
  const tell = (click: TicketClick, text: string, icon?: string, options?: { replace?: boolean }) =>
    answerPrivately(click.user, click.surface, privateNote(text, icon), answer, options);
  /** The edited approval message says it all in the channel; elsewhere (Home, ephemeral lists) say it privately. */
  const confirm = async (click: TicketClick, text: string, icon: string) => {
    if (click.surface.kind === 'message' && !click.surface.ephemeral) return;
    await tell(click, text, icon);
  };

  on(ids.ticketActions.approve, async (click) => {
    const result = await deps.tickets.approve({ ticketId: click.ticketId, user: click.user });
    if (!result.ok) {
      if (result.code === 'stale') await deps.announcer.refresh(click.ticketId);
      await tell(click, result.message);
      return;
    }
    if (result.outcome === 'approval_recorded') {
      await deps.announcer.approvalRecorded(result.ticket, click.user, result.remaining);
      await confirm(
        click,
        `You approved ${result.ticket.ref}; it needs ${result.remaining} more approval${result.remaining === 1 ? '' : 's'} from a different DBA.`,
        ':ballot_box_with_check:',
      );
      return;
    }
    await deps.announcer.approved(result.ticket, click.user, result.handOff);
    await confirm(
      click,
      `You approved ${result.ticket.ref}${result.exception ? ' as an exception' : ''}.`,
      ':white_check_mark:',
    );
  });

  on(ids.ticketActions.reject, async (click) => {
    const checked = await precheck(click, (ticket, dbas) => canReject(ticket, click.user, dbas), deps);
    if (!checked.ok) return tell(click, checked.message);
    await openModal(click, rejectModalView(checked.ticket, originOf(click)), deps);
  });

  on(ids.ticketActions.requestException, async (click) => {
    const checked = await precheck(click, (ticket) => canRequestException(ticket, click.user), deps);
    if (!checked.ok) return tell(click, checked.message);
    await openModal(click, exceptionModalView(checked.ticket, originOf(click)), deps);
  });

  on(ids.ticketActions.retry, async (click) => {
    const result = await deps.tickets.retry(
      { ticketId: click.ticketId, user: click.user },
      { beforeHandOff: (ticket) => deps.announcer.retried(ticket, click.user) },
    );
    if (!result.ok) {
      if (result.code === 'stale') await deps.announcer.refresh(click.ticketId);
      await tell(click, result.message);
      return;
    }
    await confirm(click, retriedNote(result.ticket), ':repeat:');
  });

  on(ids.ticketActions.cancel, async (click) => {
    const current = await deps.ticketStore.get(click.ticketId);
    if (current?.state === 'running' && click.triggerId) {
      const checked = await precheck(click, (ticket, dbas) => canCancel(ticket, click.user, dbas), deps);
      if (!checked.ok) return tell(click, checked.message);
      await openModal(click, cancelModalView(checked.ticket, originOf(click)), deps);
      return;
    }
    const result = await deps.tickets.cancel({ ticketId: click.ticketId, user: click.user });
    if (!result.ok) {
      if (result.code === 'stale') await deps.announcer.refresh(click.ticketId);
      await tell(click, result.message);
      return;
    }
    if (result.outcome === 'stop_requested') {
      await deps.announcer.stopRequested(result.ticket, click.user, null);
      await tell(click, stopRequestedNote(result.ticket.ref), ':octagonal_sign:');
      return;
    }
    await deps.announcer.cancelled(result.ticket, click.user, result.jobRemoved);
    const job = result.jobRemoved ? ' Its queued job was taken out of the queue.' : '';
    await tell(click, `${result.ticket.ref} is cancelled.${job}`, ':no_entry_sign:', {
      replace: click.surface.kind === 'message' && click.surface.ephemeral,
    });
  });
}

type Checked = { ok: true; ticket: Ticket } | { ok: false; message: string };

/** Before opening a form: would the action be allowed? A stale click says who got there first. */
async function precheck(
  click: TicketClick,
  verdictOf: (ticket: Ticket, dbas: ReadonlySet<string>) => Verdict,
  deps: CommandDeps,
): Promise<Checked> {
  const ticket = await deps.ticketStore.get(click.ticketId);
  if (!ticket) return { ok: false, message: `There is no ticket T-${click.ticketId}.` };
  const verdict = verdictOf(ticket, await deps.dbas.members());
  if (verdict.ok) return { ok: true, ticket };
  if (verdict.code !== 'stale') return { ok: false, message: verdict.message };
  await deps.announcer.refresh(ticket.id);
  const events = await deps.ticketStore.events(ticket.id);
  return {
    ok: false,
    message: staleClickMessage(ticket, events, { timezone: deps.announcer.zoneOf(ticket), now: deps.clock.now() }),
  };
}

async function openModal(click: TicketClick, view: View, deps: CommandDeps): Promise<void> {
  if (!click.triggerId) throw new Error('a button click without a trigger_id');
  await deps.slack.client.views.open({ trigger_id: click.triggerId, view });
}
