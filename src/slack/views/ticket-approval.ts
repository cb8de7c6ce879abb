import type { KnownBlock, MrkdwnElement } from '@slack/types';
import { plural } from '../../kernel/format.js';
import { splitStatements } from '../../review/split.js';
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
  actorMention,
} from './ticket-parts.js';

/** SQL shown in the approval message itself; longer SQL is cut here and given whole in the thread. */
export const SQL_PREVIEW = { chars: 900, lines: 15 } as const;
/** Findings listed in the approval message; the rest are in the thread. */
export const FINDINGS_SHOWN = 5;

export interface SqlPreview {
  text: string;
  cut: boolean;
  /** Whole statements shown (0 when even the first had to be cut at a line) and statements in all. */
  shown: number;
  total: number;
}

/**
 * The SQL as the approval message shows it: whole statements while they fit, else the first one
 * cut at a line boundary (a single over-long line at the character limit). Never mid-word.
 */
export function sqlPreview(sql: string): SqlPreview {
  const statements = splitStatements(sql);
  const total = Math.max(1, statements.length);
  const fits = (text: string) => text.split('\n').length <= SQL_PREVIEW.lines && text.length <= SQL_PREVIEW.chars;
  if (fits(sql.trim())) return { text: sql.trim(), cut: false, shown: total, total };
  let shown = 0;
  let end = 0;
  for (const stmt of statements) {
    const stmtEnd = stmt.offset + stmt.text.length + stmt.delimiter.length;
    if (!fits(sql.slice(0, stmtEnd).trim())) break;
    shown++;
    end = stmtEnd;
  }
  if (shown > 0) return { text: `${sql.slice(0, end).trim()}\n…`, cut: true, shown, total };
  const lines = sql.trim().split('\n').slice(0, SQL_PREVIEW.lines);
  while (lines.length > 1 && lines.join('\n').length > SQL_PREVIEW.chars) lines.pop();
  const text = lines.join('\n').slice(0, SQL_PREVIEW.chars);
  return { text: `${text.trimEnd()}\n…`, cut: true, shown: 0, total };
}

/** What the card says under cut SQL. */
export function sqlCutNote(preview: SqlPreview): string {
  const where = 'the whole SQL is in the thread as a file';
  if (preview.shown > 0) return `${preview.shown} of ${plural(preview.total, 'statement')} shown; ${where}.`;
  const first = preview.total > 1 ? `Statement 1 of ${preview.total}` : 'The statement';
  return `${first} is cut after ${plural(SQL_PREVIEW.lines, 'line')}; ${where}.`;
}

/**
 * The request in the DBA channel: target, environment, requester, SQL, review, estimated rows and
 * run time; Approve and Reject while it waits. After a decision the same message, edited: the
 * buttons are gone and the status line says who decided and when.
 */
export function ticketApprovalMessage(input: TicketViewInput): Message {
  const { ticket } = input;
  const exception = ticket.exception;
  const blocks: KnownBlock[] = [
    header(`${ticket.ref} · ${exception ? 'Exception request: ' : ''}${ticketTitle(ticket)}`),
  ];
  blocks.push({
    type: 'section',
    fields: cardFields(input),
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
    if (preview.cut) blocks.push(context(sqlCutNote(preview)));
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
  return `${ticket.ref}: ${ticket.exception ? 'exception request, ' : ''}${ticketTitle(ticket)} requested by ${actorMention(ticket.requester)} — ${waiting}`;
}

/** The card's facts: the kind's own (a migration's Source, Destination, Size) or the ticket's target and rows. */
function cardFields({ ticket, timezone, destinationEnvironment }: TicketViewInput): MrkdwnElement[] {
  const own = ticket.about.fields;
  const where = own.length > 0 ? [] : [field('Target', code(targetOf(ticket)))];
  const size = own.length > 0 ? [] : [field('Estimated rows', estimatedRowsText(ticket.estimatedRows))];
  return [
    ...where,
    ...own.map((f) => field(f.label, f.value)),
    field('Environment', environmentText(ticket.environment, destinationEnvironment)),
    field('Requested by', actorMention(ticket.requester)),
    field('Run', runTimeText(ticket, timezone)),
    field('Review', reviewText(ticket)),
    ...size,
  ].slice(0, 10);
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
