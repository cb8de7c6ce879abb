import type { KnownBlock, View } from '@slack/types';
import type { Ticket } from '../../tickets/ticket.js';
import { ids } from '../ids.js';
import { section, truncate } from '../../text/blocks.js';
import { reviewText, ticketTitle } from './ticket-parts.js';

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

function reasonInput(
  blockId: string,
  actionId: string,
  label: string,
  placeholder: string,
  optional: boolean,
): KnownBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional,
    label: { type: 'plain_text', text: label },
    element: {
      type: 'plain_text_input',
      action_id: actionId,
      multiline: true,
      max_length: 2000,
      placeholder: { type: 'plain_text', text: placeholder },
    },
  };
}

/** Reject: asks the DBA for a reason, which the requester sees. */
export function rejectModalView(ticket: Ticket, origin: ModalOrigin): View {
  const form = ids.rejectModal;
  return {
    type: 'modal',
    callback_id: form.callback,
    private_metadata: JSON.stringify(origin),
    title: { type: 'plain_text', text: truncate(`Reject ${ticket.ref}`, 24) },
    submit: { type: 'plain_text', text: 'Reject' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      section(`*${ticket.ref}* · ${ticketTitle(ticket)} · requested by <@${ticket.requester}>`),
      reasonInput(
        form.reasonBlock,
        form.reasonInput,
        'Why is it rejected?',
        'e.g. Needs an index on orders.customer_id first; ask again with the ALTER.',
        false,
      ),
    ],
  };
}

/** Cancel… of a running ticket: it stops at its next safe point; the reason goes to the thread. */
export function cancelModalView(ticket: Ticket, origin: ModalOrigin): View {
  const form = ids.cancelModal;
  return {
    type: 'modal',
    callback_id: form.callback,
    private_metadata: JSON.stringify(origin),
    title: { type: 'plain_text', text: truncate(`Stop ${ticket.ref}`, 24) },
    submit: { type: 'plain_text', text: 'Stop it' },
    close: { type: 'plain_text', text: 'Keep running' },
    blocks: [
      section(
        `*${ticket.ref}* · ${ticketTitle(ticket)} is *running*. It stops at its next safe point: what is done stays done, the rest does not run.`,
      ),
      reasonInput(
        form.reasonBlock,
        form.reasonInput,
        'Why stop it?',
        'e.g. Replication lag on the replicas is growing; we retry tonight.',
        false,
      ),
    ],
  };
}

/** Request exception: asks the requester why the errors of the review are acceptable. */
export function exceptionModalView(ticket: Ticket, origin: ModalOrigin): View {
  const form = ids.exceptionModal;
  return {
    type: 'modal',
    callback_id: form.callback,
    private_metadata: JSON.stringify(origin),
    title: { type: 'plain_text', text: 'Request an exception' },
    submit: { type: 'plain_text', text: 'Send to DBAs' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      section(
        `*${ticket.ref}* · ${ticketTitle(ticket)}\nReview: ${reviewText(ticket)}. DBAs will see your reason next to the findings.`,
      ),
      reasonInput(
        form.reasonBlock,
        form.reasonInput,
        'Why should it run anyway?',
        'e.g. The table is a 200-row lookup table; the full-table UPDATE is intended.',
        false,
      ),
    ],
  };
}

export interface ExecModalMetadata {
  channel: string;
}

/** `/dbops exec` without SQL: target, SQL and run time in a form. */
export function execModalView(
  metadata: ExecModalMetadata,
  clusters: readonly string[],
  prefill: { target?: string; sql?: string; runAt?: string } = {},
): View {
  const form = ids.execModal;
  const example = clusters[0] ? `${clusters[0]}.shop` : 'prod.shop';
  const text = (actionId: string, placeholder: string, initial?: string, multiline = false) => ({
    type: 'plain_text_input' as const,
    action_id: actionId,
    ...(multiline ? { multiline: true, max_length: 3000 } : {}),
    placeholder: { type: 'plain_text' as const, text: placeholder },
    ...(initial ? { initial_value: initial } : {}),
  });
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
        block_id: form.targetBlock,
        label: { type: 'plain_text', text: 'Target (cluster.schema)' },
        hint: { type: 'plain_text', text: `Clusters: ${clusters.join(', ')}` },
        element: text(form.targetInput, example, prefill.target),
      },
      {
        type: 'input',
        block_id: form.sqlBlock,
        label: { type: 'plain_text', text: 'SQL' },
        element: text(form.sqlInput, 'UPDATE orders SET status = 2 WHERE id = 42;', prefill.sql, true),
      },
      {
        type: 'input',
        block_id: form.runAtBlock,
        optional: true,
        label: { type: 'plain_text', text: 'When' },
        hint: {
          type: 'plain_text',
          text: "now (default), tonight, 02:00, tomorrow 02:00 or 2026-11-25 01:30, in the cluster's time zone",
        },
        element: text(form.runAtInput, 'now', prefill.runAt),
      },
    ],
  };
}
