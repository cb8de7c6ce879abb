import type { KnownBlock, MrkdwnElement } from '@slack/types';
import { AWAITING_DECISION } from '../../tickets/state-machine.js';
import type { Ticket } from '../../tickets/ticket.js';
import { blockQuote, code, codeBlock, context, header, mrkdwn, section, type Message } from '../../text/blocks.js';
import {
  estimatedRowsText,
  findingLine,
  reviewText,
  runTimeText,
  sortedFindings,
  statementCount,
  statusLine,
  targetOf,
  ticketActions,
  ticketSql,
  ticketTitle,
  type TicketViewInput,
} from './ticket-parts.js';

/** SQL shown in the approval message itself; longer SQL is cut here and given whole in the thread. */
export const SQL_PREVIEW = { chars: 900, lines: 15 } as const;
/** Findings listed in the approval message; the rest are in the thread. */
export const FINDINGS_SHOWN = 5;

/** The SQL as the approval message shows it, and whether it was cut. */
export function sqlPreview(sql: string): { text: string; cut: boolean } {
  const lines = sql.split('\n');
  let text = lines.length > SQL_PREVIEW.lines ? lines.slice(0, SQL_PREVIEW.lines).join('\n') : sql;
  if (text.length > SQL_PREVIEW.chars) text = text.slice(0, SQL_PREVIEW.chars);
  const cut = text.length < sql.length;
  return { text: cut ? `${text.trimEnd()}\n…` : text, cut };
}

/**
 * The request in the DBA channel: target, environment, requester, SQL, review, estimated rows and
 * run time; Approve and Reject while it waits. After a decision the same message, edited: the
 * buttons are gone and the status line says who decided and when.
 */
export function ticketApprovalMessage(input: TicketViewInput): Message {
  const { ticket, timezone } = input;
  const exception = ticket.exception;
  const blocks: KnownBlock[] = [
    header(`${ticket.ref} · ${exception ? 'Exception request: ' : ''}${ticketTitle(ticket)}`),
  ];
  blocks.push({
    type: 'section',
    fields: [
      field('Target', code(targetOf(ticket))),
      field('Environment', environmentText(ticket.environment, input.destinationEnvironment)),
      field('Requested by', `<@${ticket.requester}>`),
      field('Run', runTimeText(ticket, timezone)),
      field('Review', reviewText(ticket)),
      field('Estimated rows', estimatedRowsText(ticket.estimatedRows)),
    ],
  });
  if (exception) {
    const errors = ticket.review?.summary.errors ?? 0;
    const reason = ticket.exceptionReason ? `\n${blockQuote(ticket.exceptionReason, 1000)}` : '';
    blocks.push(
      section(
        `:rotating_light: *Exception requested*: the review found ${errors} error${errors === 1 ? '' : 's'}, so this needs a DBA to accept the risk.${reason}`,
      ),
    );
  }
  const sql = ticketSql(ticket);
  if (sql !== null) {
    const preview = sqlPreview(sql);
    blocks.push(section(codeBlock(preview.text)));
    if (preview.cut)
      blocks.push(
        context(
          `SQL cut after ${SQL_PREVIEW.lines} lines or ${SQL_PREVIEW.chars} characters; the whole text is in the thread.`,
        ),
      );
  }
  blocks.push(...ticket.about.details);
  const findings = sortedFindings(ticket);
  if (findings.length > 0) {
    const statements = statementCount(ticket);
    const shown = findings.slice(0, FINDINGS_SHOWN).map((f) => findingLine(f, statements));
    const more =
      findings.length > FINDINGS_SHOWN
        ? `\n…and ${findings.length - FINDINGS_SHOWN} more; every finding is in the thread.`
        : '';
    blocks.push(section(`${shown.join('\n')}${more}`));
  }
  blocks.push(section(statusLine(input)));
  if (AWAITING_DECISION.includes(ticket.state)) blocks.push(ticketActions(ticket, ['approve', 'reject']));
  // Everyone sees the channel's message; the click is DBAs' only (policy says so to anyone else).
  if (ticket.state === 'failed') blocks.push(ticketActions(ticket, ['retry']));
  return { text: approvalFallbackText(ticket), blocks };
}

function approvalFallbackText(ticket: Ticket): string {
  const waiting = AWAITING_DECISION.includes(ticket.state) ? 'waiting for approval' : ticket.state.replace(/_/g, ' ');
  return `${ticket.ref}: ${ticket.exception ? 'exception request, ' : ''}${ticketTitle(ticket)} requested by <@${ticket.requester}> — ${waiting}`;
}

function field(label: string, value: string): MrkdwnElement {
  return mrkdwn(`*${label}*\n${value}`);
}

/** The thread's first reply: the whole SQL (when the message cut it) and every finding. */
export function ticketDetailsReply(ticket: Ticket, options: { sqlAsFile: boolean }): Message | null {
  const blocks: KnownBlock[] = [];
  const sql = ticketSql(ticket);
  if (sql !== null && sqlPreview(sql).cut && !options.sqlAsFile) blocks.push(section(`*Full SQL*\n${codeBlock(sql)}`));
  const findings = sortedFindings(ticket);
  if (findings.length > FINDINGS_SHOWN) {
    const statements = statementCount(ticket);
    let chunk: string[] = [];
    const flush = () => {
      if (chunk.length > 0) blocks.push(section(chunk.join('\n')));
      chunk = [];
    };
    for (const line of findings.map((f) => findingLine(f, statements))) {
      if ([...chunk, line].join('\n').length > 2900) flush();
      chunk.push(line);
    }
    flush();
  }
  if (blocks.length === 0) return null;
  const kept = blocks.slice(0, 49);
  if (blocks.length > kept.length)
    kept.push(context(`More findings than fit here; \`/dbops ticket ${ticket.ref}\` shows the summary.`));
  return { text: `${ticket.ref}: full SQL and review findings`, blocks: kept };
}

/** `:red_circle: prod`, or for a migration `:red_circle: prod → test` (source → destination). */
function environmentText(source: string, destination?: string): string {
  const shown = (env: string) => (env === 'prod' ? ':red_circle: prod' : env);
  return destination && destination !== source ? `${shown(source)} → ${shown(destination)}` : shown(source);
}
