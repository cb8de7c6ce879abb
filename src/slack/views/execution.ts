import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import type { OscPhase, OscState } from '../../execute/online-alter.js';
import { describeOscLeftovers, oscCleanupPlan, type OscLeftovers } from '../../execute/osc-leftovers.js';
import type { RollbackPlan } from '../../execute/rollback-sql.js';
import { ids } from '../ids.js';
import { code, context, escapeMrkdwn, plainToMrkdwn, section, type Message } from '../../text/blocks.js';

/** The button value of a panel: the ticket and the attempt its run belongs to. */
export function attemptValue(ticketId: number, attempt: number): string {
  return `T-${ticketId}/${attempt}`;
}

export function readAttemptValue(value: string): { ticketId: number; attempt: number } | null {
  const match = /^T-(\d{1,15})\/(\d{1,6})$/.exec(value);
  return match ? { ticketId: Number(match[1]), attempt: Number(match[2]) } : null;
}

const PHASE_WORDS: Record<OscPhase, string> = {
  starting: ':hourglass_flowing_sand: starting',
  copying: ':arrows_counterclockwise: copying rows',
  pausing: ':double_vertical_bar: pausing',
  paused: ':double_vertical_bar: paused',
  resuming: ':arrow_forward: resuming',
  ready: ':white_check_mark: ready for cut-over',
  'cutting-over': ':twisted_rightwards_arrows: cutting over',
  done: ':white_check_mark: done',
  failed: ':x: failed',
  cancelled: ':no_entry_sign: cancelled',
};

/** Which of Pause, Resume and Cut-over can work in a phase. */
export function oscButtons(phase: OscPhase): Array<'pause' | 'resume' | 'cutOver'> {
  switch (phase) {
    case 'starting':
    case 'copying':
    case 'resuming':
      return ['pause'];
    case 'pausing':
    case 'paused':
      return ['resume'];
    case 'ready':
      return ['cutOver'];
    default:
      return [];
  }
}

function oscButton(kind: 'pause' | 'resume' | 'cutOver', value: string, table: string): Button {
  const label = { pause: 'Pause', resume: 'Resume', cutOver: 'Cut over' }[kind];
  const button: Button = {
    type: 'button',
    action_id: ids.executionActions[kind],
    text: { type: 'plain_text', text: label },
    value,
  };
  if (kind !== 'cutOver') return button;
  return {
    ...button,
    style: 'primary',
    confirm: {
      title: { type: 'plain_text', text: 'Cut over?' },
      text: {
        type: 'mrkdwn',
        text: `Swap the altered copy in for ${code(table)} now (one RENAME TABLE of both), then drop the triggers and the old table.`,
      },
      confirm: { type: 'plain_text', text: 'Cut over' },
      deny: { type: 'plain_text', text: 'Not yet' },
    },
  };
}

/** The online ALTER's panel in the ticket's thread: where it is, and the buttons that can work now (DBAs only). */
export function oscPanel(ticket: { id: number; ref: string }, attempt: number, state: OscState): Message {
  const percent =
    state.percent !== null &&
    (state.phase === 'copying' || state.phase === 'pausing' || state.phase === 'paused' || state.phase === 'resuming')
      ? ` · ${state.percent}%`
      : '';
  const by = state.by ? ` (<@${state.by}>)` : '';
  const text = `*${ticket.ref} · online ALTER of ${code(state.table)}* with pt-online-schema-change: ${PHASE_WORDS[state.phase]}${percent}${by}\n${plainToMrkdwn(state.detail)}`;
  const kinds = oscButtons(state.phase);
  const blocks: KnownBlock[] = [section(text)];
  if (kinds.length > 0) {
    const value = attemptValue(ticket.id, attempt);
    const actions: ActionsBlock = {
      type: 'actions',
      block_id: `${ids.executionActions.blockPrefix}${ticket.id}`,
      elements: kinds.map((k) => oscButton(k, value, state.table)),
    };
    blocks.push(
      actions,
      context(
        'Pause, Resume and Cut over are for DBAs. The copy keeps up with writes through triggers until the cut-over.',
      ),
    );
  }
  return {
    text: `${ticket.ref}: online ALTER of ${code(state.table)}: ${PHASE_WORDS[state.phase].replace(/^:[a-z_]+: /, '')}${percent}`,
    blocks,
  };
}

/**
 * In the thread of a ticket whose online ALTER was interrupted (its worker died): exactly what
 * pt-online-schema-change left on the table, and Clean up for DBAs, whose confirmation names what
 * it drops (the triggers first, then the copy).
 */
export function oscLeftoversMessage(
  ticket: { id: number; ref: string },
  attempt: number,
  l: OscLeftovers,
  /** Once a DBA cleaned up: who (the button goes, the reply in the thread says what was dropped). */
  cleanedBy?: string,
): Message {
  const what = describeOscLeftovers(l);
  const plan = oscCleanupPlan(l);
  const text = `:warning: *${ticket.ref}*: its online ALTER was interrupted (the worker running it stopped). ${plainToMrkdwn(what)}`;
  const blocks: KnownBlock[] = [section(text)];
  if (cleanedBy) blocks.push(context(`:broom: Cleaned up by <@${cleanedBy}>: what was dropped is in the reply below.`));
  else if (plan.length > 0) {
    const button: Button = {
      type: 'button',
      action_id: ids.executionActions.cleanUp,
      text: { type: 'plain_text', text: 'Clean up' },
      value: attemptValue(ticket.id, attempt),
      style: 'danger',
      confirm: {
        title: { type: 'plain_text', text: 'Clean up?' },
        text: {
          type: 'mrkdwn',
          text: `Drop, in this order, on ${code(`${l.table.schema}`)}: ${plan.map((p) => code(p)).join(', ')}.${l.oldTable ? ` ${code(l.oldTable.name)} is kept.` : ''} ${code(l.table.name)} itself is not touched.`,
        },
        confirm: { type: 'plain_text', text: 'Drop them' },
        deny: { type: 'plain_text', text: 'Not now' },
      },
    };
    blocks.push(
      { type: 'actions', block_id: `${ids.executionActions.blockPrefix}${ticket.id}`, elements: [button] },
      context('Clean up is for DBAs: it drops the triggers first, then the copy, as found when pressed.'),
    );
  }
  return { text: `${ticket.ref}: ${plainToMrkdwn(what)}`, blocks };
}

/** The thread reply once a DBA cleaned up, and the private answer. */
export function oscCleanedUpMessage(
  ticket: { ref: string },
  by: string,
  dropped: OscLeftovers | null,
  table: { schema: string; name: string },
): Message {
  const done = dropped
    ? `dropped ${oscCleanupPlan(dropped).join(', then ')}${dropped.oldTable ? `; ${dropped.oldTable.name} is kept` : ''}`
    : 'nothing was left to drop any more';
  const text = `:broom: <@${by}> cleaned up what pt-online-schema-change left on ${escapeMrkdwn(`${table.schema}.${table.name}`)} for ${ticket.ref}: ${escapeMrkdwn(done)}.`;
  return { text, blocks: [section(text)] };
}

/** After a change with backups: how much can be undone, and the button that opens the rollback ticket. */
export function rollbackOffer(
  ticket: { id: number; ref: string },
  backups: number,
  rows: number,
  backupSchema: string,
): Message {
  const text = `:leftwards_arrow_with_hook: The before-images of ${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'} (${backups} statement${backups === 1 ? '' : 's'}) are saved in \`${backupSchema}\`. To undo ${ticket.ref}, open a rollback ticket: it is reviewed and approved like any change.`;
  const button: Button = {
    type: 'button',
    action_id: ids.executionActions.rollback,
    text: { type: 'plain_text', text: `Roll back ${ticket.ref}` },
    value: ticket.ref,
    style: 'danger',
    confirm: {
      title: { type: 'plain_text', text: `Roll back ${ticket.ref}?` },
      text: {
        type: 'mrkdwn',
        text: 'This opens a rollback ticket with the inverse SQL; nothing runs until it is approved.',
      },
      confirm: { type: 'plain_text', text: 'Open rollback ticket' },
      deny: { type: 'plain_text', text: 'Cancel' },
    },
  };
  return {
    text: `${ticket.ref} can be rolled back: /dbops rollback ${ticket.ref}`,
    blocks: [
      section(text),
      { type: 'actions', block_id: `${ids.executionActions.blockPrefix}${ticket.id}`, elements: [button] },
    ],
  };
}

/** In the original ticket's thread: a rollback ticket was opened for it. */
export function rollbackOpenedReply(
  original: { ref: string },
  rollback: { ref: string },
  by: string,
  permalink: string | null,
  plan: RollbackPlan,
): Message {
  const where = permalink ? `<${permalink}|${rollback.ref}>` : `*${rollback.ref}*`;
  const lost =
    plan.notUndoable.length > 0
      ? ` It cannot undo statement${plan.notUndoable.length === 1 ? '' : 's'} ${plan.notUndoable.map((s) => `${s.statement} (${s.what})`).join(', ')}.`
      : '';
  const text = `:leftwards_arrow_with_hook: <@${by}> opened ${where} to roll back ${original.ref}: it restores ${plan.rows.toLocaleString('en-US')} rows from their before-images once approved.${lost}`;
  return { text, blocks: [section(text)] };
}

/** The comment of the attached script in the rollback ticket's thread. */
export function rollbackScriptComment(original: { ref: string }, rows: number, gzipped: boolean): string {
  return `The rollback of ${original.ref} row by row (${rows.toLocaleString('en-US')} rows${gzipped ? ', gzipped' : ''}): the same undo as this ticket's SQL, written out so it still works without the backup tables.`;
}
