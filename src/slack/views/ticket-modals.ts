import type { View } from '@slack/types';
import type { Ticket } from '../../tickets/ticket.js';
import { ids } from '../ids.js';
import { section, truncate } from '../../text/blocks.js';
import { sqlInputBlock } from './sql-input.js';
import { reviewText, ticketTitle, actorMention } from './ticket-parts.js';

/**
 * Where a modal opened by a button came from, so its submission can answer on the same surface:
 * the message (channel, ts, and the response_url of an ephemeral one) or the App Home.
 */
export interface ModalOrigin {
  ticketId: number;
  channel?: string;
  messageTs?: string;
  responseUrl?: string;
  home?: boolean;
}

/** A ticket's modal that asks for one reason: what it is about, then the question with an example. */
function reasonModal(
  form: { callback: string; reasonBlock: string; reasonInput: string },
  origin: ModalOrigin,
  text: { title: string; submit: string; close: string; about: string; question: string; example: string },
): View {
  return {
    type: 'modal',
    callback_id: form.callback,
    private_metadata: JSON.stringify(origin),
    title: { type: 'plain_text', text: text.title },
    submit: { type: 'plain_text', text: text.submit },
    close: { type: 'plain_text', text: text.close },
    blocks: [
      section(text.about),
      {
        type: 'input',
        block_id: form.reasonBlock,
        optional: false,
        label: { type: 'plain_text', text: text.question },
        element: {
          type: 'plain_text_input',
          action_id: form.reasonInput,
          multiline: true,
          max_length: 2000,
          placeholder: { type: 'plain_text', text: text.example },
        },
      },
    ],
  };
}

/** Reject: asks the DBA for a reason, which the requester sees. */
export function rejectModalView(ticket: Ticket, origin: ModalOrigin): View {
  return reasonModal(ids.rejectModal, origin, {
    title: truncate(`Reject ${ticket.ref}`, 24),
    submit: 'Reject',
    close: 'Back',
    about: `*${ticket.ref}* · ${ticketTitle(ticket)} · requested by ${actorMention(ticket.requester)}`,
    question: 'Why is it rejected?',
    example: 'e.g. Needs an index on orders.customer_id first; ask again with the ALTER.',
  });
}

/** Cancel… of a running ticket: it stops at its next safe point; the reason goes to the thread. */
export function cancelModalView(ticket: Ticket, origin: ModalOrigin): View {
  return reasonModal(ids.cancelModal, origin, {
    title: truncate(`Stop ${ticket.ref}`, 24),
    submit: 'Stop it',
    close: 'Keep running',
    about: `*${ticket.ref}* · ${ticketTitle(ticket)} is *running*. It stops at its next safe point: what is done stays done, the rest does not run.`,
    question: 'Why stop it?',
    example: 'e.g. Replication lag on the replicas is growing; we retry tonight.',
  });
}

/** Request exception: asks the requester why the errors of the review are acceptable. */
export function exceptionModalView(ticket: Ticket, origin: ModalOrigin): View {
  return reasonModal(ids.exceptionModal, origin, {
    title: 'Request an exception',
    submit: 'Send to DBAs',
    close: 'Back',
    about: `*${ticket.ref}* · ${ticketTitle(ticket)}\nReview: ${reviewText(ticket)}. DBAs will see your reason next to the findings.`,
    question: 'Why should it run anyway?',
    example: 'e.g. The table is a 200-row lookup table; the full-table UPDATE is intended.',
  });
}

export interface ExecModalMetadata {
  channel: string;
}

/** What the exec form starts with: from `/dbops exec prod.shop at 02:00`, or an "Open change" button. */
export interface ExecPrefill {
  target?: string;
  sql?: string;
  /** `02:00` or `2026-11-25 01:30` fill the pickers; other phrases (tonight) are left to the user. */
  runAt?: string;
}

/** `/dbops exec` without SQL: the cluster from a select, schema, SQL, and the start from a date and a time picker. */
export function execModalView(
  metadata: ExecModalMetadata,
  clusters: readonly string[],
  prefill: ExecPrefill = {},
): View {
  const form = ids.execModal;
  const [cluster, ...rest] = (prefill.target ?? '').split('.');
  const schema = rest.join('.');
  const option = (name: string) => ({ text: { type: 'plain_text' as const, text: truncate(name, 75) }, value: name });
  const when = /^(?:(\d{4}-\d{2}-\d{2})\s+)?(\d{1,2}):(\d{2})$/.exec(prefill.runAt?.trim() ?? '');
  const initialTime = when ? `${when[2].padStart(2, '0')}:${when[3]}` : undefined;
  return {
    type: 'modal',
    callback_id: form.callback,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Request a SQL change' },
    submit: { type: 'plain_text', text: 'Review and submit' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      {
        type: 'input',
        block_id: form.clusterBlock,
        label: { type: 'plain_text', text: 'Cluster' },
        element: {
          type: 'static_select',
          action_id: form.clusterInput,
          placeholder: { type: 'plain_text', text: 'Pick a cluster' },
          options: clusters.slice(0, 100).map(option),
          ...(clusters.includes(cluster) ? { initial_option: option(cluster) } : {}),
        },
      },
      {
        type: 'input',
        block_id: form.schemaBlock,
        label: { type: 'plain_text', text: 'Schema' },
        element: {
          type: 'plain_text_input',
          action_id: form.schemaInput,
          placeholder: { type: 'plain_text', text: 'shop' },
          ...(schema ? { initial_value: schema } : {}),
        },
      },
      sqlInputBlock(form.sqlBlock, form.sqlInput, prefill.sql),
      {
        type: 'input',
        block_id: form.dateBlock,
        optional: true,
        label: { type: 'plain_text', text: 'Start on' },
        element: {
          type: 'datepicker',
          action_id: form.dateInput,
          ...(when?.[1] ? { initial_date: when[1] } : {}),
        },
      },
      {
        type: 'input',
        block_id: form.timeBlock,
        optional: true,
        label: { type: 'plain_text', text: 'Start at' },
        hint: {
          type: 'plain_text',
          text: "In the cluster's time zone. Empty: as soon as approved; a time alone: its next occurrence.",
        },
        element: {
          type: 'timepicker',
          action_id: form.timeInput,
          ...(initialTime ? { initial_time: initialTime } : {}),
        },
      },
    ],
  };
}
