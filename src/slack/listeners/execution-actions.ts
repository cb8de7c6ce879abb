import type { App, SlackActionMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { OscAction } from '../../execute/channel.js';
import { canSteerOnlineAlter } from '../../tickets/policy.js';
import { parseTicketId } from '../../tickets/ticket.js';
import type { CommandDeps } from '../command.js';
import { ids } from '../ids.js';
import { guarded } from './guard.js';
import { answerPrivately, ClickSource, surfaceOf, type AnswerDeps, type Surface } from '../private-answer.js';
import { cleanUpOnlineAlter } from '../../requests/osc-cleanup.js';
import { requestRollback } from '../../requests/rollback.js';
import { oscButtons, readAttemptValue } from '../views/execution.js';
import { code } from '../../text/blocks.js';
import { privateNote } from '../views/ticket-replies.js';
import { requestAnswerMessage } from '../views/request-answer.js';

const Click = ClickSource.extend({
  user: z.looseObject({ id: z.string() }),
  trigger_id: z.string().optional(),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string() })).min(1),
});

interface ExecutionClick {
  user: string;
  value: string;
  triggerId?: string;
  surface: Surface;
}

const OSC_ACTIONS: ReadonlyArray<{
  action: OscAction;
  id: string;
  button: 'pause' | 'resume' | 'cutOver';
  done: string;
}> = [
  { action: 'pause', id: ids.executionActions.pause, button: 'pause', done: 'paused' },
  { action: 'resume', id: ids.executionActions.resume, button: 'resume', done: 'resumed' },
  { action: 'cutover', id: ids.executionActions.cutOver, button: 'cutOver', done: 'asked for the cut-over of' },
];

/**
 * The online ALTER's Pause, Resume and Cut over (DBAs; the request reaches the worker running the
 * ticket through Redis), Clean up of what an interrupted one left (DBAs), and Roll back on a finished
 * ticket (its requester or a DBA; opens a rollback ticket). Each acks first, then checks, then answers
 * privately.
 */
export function registerExecutionActions(app: App, deps: CommandDeps, answer: AnswerDeps): void {
  const on = (actionId: string, handle: (click: ExecutionClick) => Promise<void>) => {
    app.action(
      actionId,
      guarded<SlackActionMiddlewareArgs>({ what: 'execution button', logger: deps.logger }, async ({ body }, scope) => {
        const parsed = Click.safeParse(body);
        if (!parsed.success) {
          deps.logger.warn('unreadable execution button click', { actionId });
          return;
        }
        const click = {
          user: parsed.data.user.id,
          value: parsed.data.actions[0].value,
          triggerId: parsed.data.trigger_id,
          surface: surfaceOf(parsed.data),
        };
        Object.assign(scope.fields, { actionId, value: click.value, user: click.user });
        const ticketId = readAttemptValue(click.value)?.ticketId ?? parseTicketId(click.value);
        if (ticketId !== null) scope.ticket = `T-${ticketId}`;
        scope.tell = (message) => answerPrivately(click.user, click.surface, message, answer);
        await handle(click);
      }),
    );
  };
  const tell = (click: ExecutionClick, text: string, icon?: string) =>
    answerPrivately(click.user, click.surface, privateNote(text, icon), answer);

  for (const spec of OSC_ACTIONS) {
    const { action } = spec;
    on(spec.id, async (click) => {
      const target = readAttemptValue(click.value);
      const channel = deps.execution?.channel;
      if (!target || !channel) return tell(click, 'This button is not for a run I know.');
      const verdict = canSteerOnlineAlter(click.user, await deps.dbas.members());
      if (!verdict.ok) return tell(click, verdict.message);
      const ticket = await deps.ticketStore.get(target.ticketId);
      if (ticket?.state !== 'running' || ticket.attempt !== target.attempt)
        return tell(click, `T-${target.ticketId}'s online ALTER is not running any more.`);
      const state = await channel.oscState(target.ticketId, target.attempt);
      if (!state || !oscButtons(state.phase).includes(spec.button)) {
        const where = state
          ? `it is ${state.phase.replace('-', ' ')}${state.percent !== null ? ` (${state.percent}%)` : ''}`
          : 'it has not reported yet';
        return tell(
          click,
          `${ticket.ref}'s online ALTER cannot be ${action === 'cutover' ? 'cut over' : `${spec.done}`} now: ${where}.`,
        );
      }
      await channel.request(target.ticketId, target.attempt, action, click.user);
      deps.logger.info('online ALTER request', { ticket: ticket.ref, action, by: click.user });
      const { threadChannel, threadTs } = ticket.slack;
      if (threadChannel && threadTs)
        await deps.slack
          .post(
            threadChannel,
            privateNote(`<@${click.user}> ${spec.done} the online ALTER of ${code(state.table)}.`, ':raised_hand:'),
            { threadTs },
          )
          .catch(() => undefined);
      await tell(
        click,
        `Done: ${ticket.ref}'s online ALTER of ${state.table} is ${action === 'cutover' ? 'cutting over' : action === 'pause' ? 'pausing after the chunk it is copying' : 'resuming (within a minute)'}.`,
        ':white_check_mark:',
      );
    });
  }

  on(ids.executionActions.cleanUp, async (click) => {
    const target = readAttemptValue(click.value);
    if (!target) return tell(click, 'This button is not for a run I know.');
    await answerPrivately(
      click.user,
      click.surface,
      requestAnswerMessage(await cleanUpOnlineAlter({ user: click.user, ...target }, deps)),
      answer,
    );
  });

  on(ids.executionActions.rollback, async (click) => {
    const ticketId = parseTicketId(click.value);
    if (ticketId === null) return tell(click, 'This button is not for a ticket I know.');
    const message = requestAnswerMessage(
      await requestRollback(
        {
          user: click.user,
          ticketId,
          sourceKey: `rollback:${ticketId}:${click.triggerId ?? `${click.user}:${Date.now()}`}`,
          channel: click.surface.kind === 'message' ? click.surface.channel : undefined,
        },
        deps,
      ),
    );
    await answerPrivately(click.user, click.surface, message, answer);
  });
}
