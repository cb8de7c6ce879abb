import type { ExecutionBot } from '../execute/bot.js';
import { rollbackSql, type RollbackPlan } from '../execute/rollback-sql.js';
import { canRollBack } from '../tickets/policy.js';
import { FINAL_STATES } from '../tickets/state-machine.js';
import { reviewFromReport, type Ticket } from '../tickets/ticket.js';
import { firstLineOf, toError } from '../kernel/errors.js';
import { announced, autoApproved, type RequestAnswer } from './answer.js';
import type { RequestDeps } from './deps.js';
import type { Asker } from './open-ticket.js';
import { plural } from '../kernel/format.js';

export interface RollbackRequest extends Asker {
  ticketId: number;
}

/**
 * `/dbops rollback T-42` and the Rollback button: plan the undo from T-42's backups, open a rollback
 * ticket with the inverse SQL (reviewed, then approved like any change), attach the row-by-row
 * script to its thread, and say so in T-42's thread. Returns what to tell the user, privately.
 */
export async function requestRollback(request: RollbackRequest, deps: RequestDeps): Promise<RequestAnswer> {
  const execution = deps.execution;
  if (!execution)
    return {
      kind: 'note',
      text: 'Rollbacks are not available in this dbops process (no execution services); ask a DBA to check its setup.',
    };
  const original = await deps.ticketStore.get(request.ticketId);
  if (!original) return { kind: 'note', text: `There is no ticket T-${request.ticketId}.` };
  const verdict = canRollBack(original, request.user, await deps.dbas.members());
  if (!verdict.ok) return { kind: 'note', text: verdict.message };
  const earlier = await openRollback(original, execution, deps);
  if (earlier) return { kind: 'note', text: earlier, icon: ':information_source:' };

  let plan: RollbackPlan;
  try {
    plan = await execution.plan(original.cluster, original.id);
  } catch (err) {
    deps.logger.error('could not read the backups for a rollback', { ticket: original.ref }, toError(err));
    return {
      kind: 'problem',
      text: `I could not read ${original.ref}'s backups on \`${original.cluster}\` (${firstLineOf(err)}). Try again, or ask a DBA.`,
      icon: ':no_entry:',
    };
  }
  if (plan.rolledBackBy !== null)
    return {
      kind: 'note',
      text: `${original.ref} was already rolled back by T-${plan.rolledBackBy}.`,
      icon: ':information_source:',
    };
  if (plan.steps.length === 0 && plan.legacyStatements > 0)
    return {
      kind: 'note',
      text:
        `dbops has no record of ${original.ref} running on \`${original.cluster}\` since it began keying its backups by installation id. ` +
        `The execution log of earlier versions (\`${plan.backupSchema}.executions\`) holds ${plural(plan.legacyStatements, 'statement')} of a T-${original.id}, with before-images in \`${plan.backupSchema}.t${original.id}_<n>_<table>\`, ` +
        'but it cannot say which installation ran them, so dbops does not roll back from it. A DBA can check those tables and restore by hand.',
      icon: ':information_source:',
    };
  if (plan.steps.length === 0) {
    const why =
      plan.notUndoable.length > 0
        ? ` What it ran cannot be undone from backups: ${plan.notUndoable.map((s) => `statement ${s.statement} (${s.what})`).join(', ')}.`
        : ' It changed no rows dbops saved.';
    return {
      kind: 'note',
      text: `There is nothing to roll back for ${original.ref}.${why}`,
      icon: ':information_source:',
    };
  }

  const sql = rollbackSql(plan);
  const target = { cluster: original.cluster, schema: original.schema ?? 'dbops_backup' };
  const report = await deps.reviewer.review({ sql, target, purpose: 'change', authoredBy: 'dbops' });
  const result = await deps.tickets.submit({
    kind: 'rollback',
    payload: { of_ticket: original.id, sql },
    requester: request.user,
    cluster: original.cluster,
    schema: original.schema,
    review: reviewFromReport(report),
    estimatedRows: plan.rows,
    sourceKey: request.sourceKey,
    slack: request.channel ? { requestChannel: request.channel } : {},
  });
  if (!result.ok) return { kind: 'note', text: result.message };
  const { ticket } = result;
  if (result.outcome === 'duplicate')
    return { kind: 'duplicate', ticket, permalink: await deps.announcer.permalink(ticket) };
  await execution.rollbacks.record(
    { ticketId: original.id, rollbackTicketId: ticket.id, requestedBy: request.user, rows: plan.rows },
    deps.clock.now(),
  );
  deps.logger.info('rollback requested', {
    ticket: original.ref,
    rollback: ticket.ref,
    user: request.user,
    rows: plan.rows,
    outcome: result.outcome,
  });

  let answer: RequestAnswer;
  let latest = ticket;
  let permalink: string | null = null;
  switch (result.outcome) {
    case 'blocked':
      answer = { kind: 'blocked', ticket, review: { report, requestedBy: request.user } };
      break;
    case 'awaiting_approval': {
      const published = await deps.announcer.publish(ticket.id);
      latest = published.ticket;
      permalink = published.ok ? published.permalink : null;
      answer = announced(ticket, published, deps);
      break;
    }
    case 'auto_approved': {
      const published = await deps.announcer.autoApproved(ticket, result.handOff);
      latest = published.ticket;
      permalink = published.ok ? published.permalink : null;
      answer = autoApproved(published, result.handOff, deps);
      break;
    }
  }
  await deps.chat.rollbackOpened(original, latest, request.user, permalink, plan);
  await attachScript(original, latest, plan, execution, deps);
  return answer;
}

/** A rollback of this ticket that is open, done or failed (a failed one is retried, not opened again). */
async function openRollback(original: Ticket, execution: ExecutionBot, deps: RequestDeps): Promise<string | null> {
  for (const record of await execution.rollbacks.forTicket(original.id)) {
    const rollback = await deps.ticketStore.get(record.rollbackTicketId);
    if (!rollback || rollback.state === 'rejected' || rollback.state === 'cancelled') continue;
    const state = rollback.state.replace(/_/g, ' ');
    const done = FINAL_STATES.includes(rollback.state) ? 'already rolled it back' : `already rolls it back (${state})`;
    return `T-${record.rollbackTicketId} ${rollback.state === 'failed' ? `tried to roll ${original.ref} back and failed; retry T-${record.rollbackTicketId} rather than opening another` : done}.`;
  }
  return null;
}

/** The row-by-row script goes to the rollback ticket's thread (the original's while the rollback is not posted). */
async function attachScript(
  original: Ticket,
  rollback: Ticket,
  plan: RollbackPlan,
  execution: ExecutionBot,
  deps: RequestDeps,
): Promise<void> {
  const channel = rollback.slack.threadChannel ?? original.slack.threadChannel;
  const threadTs = rollback.slack.threadChannel ? rollback.slack.threadTs : original.slack.threadTs;
  if (!channel || !threadTs) return;
  let script: Awaited<ReturnType<ExecutionBot['script']>> | undefined;
  try {
    script = await execution.script(original.cluster, plan);
    await deps.chat.rollbackScript(
      { channel, threadTs },
      {
        path: script.path,
        filename: script.filename,
        title: `${rollback.ref}: rollback of ${original.ref}, row by row`,
        original,
        rows: script.stats.rows,
      },
    );
  } catch (err) {
    deps.logger.warn(
      'could not attach the rollback script',
      { ticket: original.ref, rollback: rollback.ref },
      toError(err),
    );
  } finally {
    await script?.cleanup();
  }
}
