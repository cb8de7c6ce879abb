import type { KnownBlock } from '@slack/types';
import type { StopRequest } from '../../queue/stop-channel.js';
import type { PartRecord, PartState, RunRecord, StepRecord } from '../../queue/run-rows.js';
import { formatInZone } from '../../tickets/run-time.js';
import type { Ticket } from '../../tickets/ticket.js';
import {
  code,
  context,
  escapeMrkdwn,
  plainToMrkdwn,
  quoted,
  section,
  truncate,
  type Message,
} from '../../text/blocks.js';
import { ticketButton, ticketTitle } from './ticket-parts.js';
import { formatElapsed, pluralNoun } from '../../kernel/format.js';

/**
 * What the job runner says in a ticket's thread: the status message (one per run, edited in place)
 * and the replies at milestones. Pure: data in, Block Kit out.
 */

export interface StatusInput {
  ticket: Ticket;
  run: RunRecord;
  /** Part counts of a decomposed run; null when it runs as one piece. */
  counts: Record<PartState, number> | null;
  /** A stop asked for and not yet done. */
  stopping: StopRequest | null;
  now: Date;
  timezone: string;
}

const BAR_WIDTH = 20;

/** `▓▓▓▓▓░░░░░ 41%` */
export function progressBar(fraction: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const filled = Math.round(f * BAR_WIDTH);
  return `${'▓'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)} ${Math.floor(f * 100)}%`;
}

/** "37/512 shards done" (with what failed or was skipped, when anything did). */
export function partsLine(counts: Record<PartState, number>, total: number, noun: string): string {
  const extra = [
    counts.running > 0 ? `${counts.running} running` : '',
    counts.failed > 0 ? `${counts.failed} failed` : '',
    counts.stopped > 0 ? `${counts.stopped} stopped` : '',
    counts.skipped > 0 ? `${counts.skipped} not started` : '',
  ].filter(Boolean);
  return `${counts.done}/${total} ${noun} done${extra.length > 0 ? ` (${extra.join(', ')})` : ''}`;
}

const OUTCOME_HEAD = {
  succeeded: ':white_check_mark: *Finished*',
  failed: ':x: *Failed*',
  cancelled: ':no_entry_sign: *Stopped*',
} as const;

/** The status message: where the run is now; a Cancel button while it runs. */
export function statusMessage(input: StatusInput): Message {
  const { ticket, run, counts, stopping, now, timezone } = input;
  const finished = run.outcome !== null && run.finishedAt !== null;
  const elapsed = formatElapsed((run.finishedAt ?? now).getTime() - run.startedAt.getTime());
  const head =
    finished && run.outcome
      ? `${OUTCOME_HEAD[run.outcome]} ${ticket.ref} in ${elapsed}`
      : stopping
        ? `:octagonal_sign: *Stopping* ${ticket.ref}…`
        : `:gear: *Running* ${ticket.ref}`;
  const lines = [`${head} · ${escapeMrkdwn(ticketTitle(ticket))}`];
  const total = run.partsTotal ?? 0;
  const fraction = counts && total > 0 ? counts.done / total : run.progress;
  const bar = !finished ? fraction : run.outcome === 'succeeded' ? 1 : counts ? fraction : null;
  if (bar !== null) lines.push(`\`${progressBar(bar)}\``);
  if (counts && total > 0) lines.push(partsLine(counts, total, run.partNoun ?? 'parts'));
  if (!finished && run.progressText) lines.push(plainToMrkdwn(truncate(run.progressText, 300)));
  if (finished && run.summary) lines.push(plainToMrkdwn(truncate(run.summary, 1500)));
  if (stopping && !finished) lines.push(stopLine(stopping));
  const blocks: KnownBlock[] = [section(lines.join('\n'))];
  if (!finished && run.logTail.length > 0)
    blocks.push(section(`\`\`\`${escapeMrkdwn(truncate(run.logTail.join('\n'), 1200)).replace(/```/g, "'''")}\`\`\``));
  const takeovers = run.takeovers > 0 ? ` · taken over ${run.takeovers === 1 ? 'once' : `${run.takeovers} times`}` : '';
  blocks.push(
    context(
      `Started ${formatInZone(run.startedAt, timezone, now)} · ${finished ? 'took' : 'running for'} ${elapsed}${takeovers}`,
    ),
  );
  if (!finished && !stopping)
    blocks.push({
      type: 'actions',
      block_id: `dbops.run.actions.${ticket.id}`,
      elements: [ticketButton(ticket, 'cancel')],
    });
  const state = finished ? run.outcome : stopping ? 'stopping' : 'running';
  return {
    text: `${ticket.ref} ${state}${counts && total > 0 ? `: ${partsLine(counts, total, run.partNoun ?? 'parts')}` : ''}`,
    blocks,
  };
}

function stopLine(stop: StopRequest): string {
  const reason = stop.reason ? `: ${quoted(stop.reason, 300)}` : '';
  return stop.kind === 'cancel'
    ? `<@${stop.by}> asked to stop it${reason}; it stops at the next safe point.`
    : `${escapeMrkdwn(stop.by)} failed, so the rest stops at the next safe point.`;
}

function reply(text: string): Message {
  return { text, blocks: [section(text)] };
}

/** In the thread: someone pressed Cancel on the running ticket. */
export function stopRequestedReply(ticket: Ticket, by: string, reason: string | null): Message {
  const why = reason ? `: ${quoted(reason, 500)}` : '.';
  return reply(
    `:octagonal_sign: <@${by}> asked to stop ${ticket.ref}${why} It stops at the next safe point (a running query is killed); I will say here what was done and what was not.`,
  );
}

/** To whoever pressed Cancel on a running ticket. */
export function stopRequestedNote(ref: string): string {
  return `${ref} is running: I asked its worker to stop it at the next safe point (a running query is killed). The thread will say what was done and what was not.`;
}

/** A worker took over a run (or one part) from a worker that stopped answering. */
export function takeoverReply(
  ticket: Ticket,
  what: { worker: string; previous: string | null; part?: string },
): Message {
  // Worker names are internal: the ticket detail's technical section names them.
  const from = what.previous ? ' from a worker that stopped answering' : '';
  const part = what.part ? ` (${escapeMrkdwn(what.part)})` : '';
  return reply(
    `:arrows_counterclockwise: Another worker took over ${ticket.ref}${part}${from}. Steps already done are not run again.`,
  );
}

export function peakWaitReply(
  ticket: Ticket,
  wait: { cluster: string; window: string; until: Date; timezone: string; started: boolean },
): Message {
  const what = wait.started ? `The rest of ${ticket.ref} pauses` : `${ticket.ref} is due, but it waits`;
  return reply(
    `:hourglass_flowing_sand: ${what}: cluster ${code(wait.cluster)} is in its peak hours (${wait.window}, ${wait.timezone}). It starts at ${formatInZone(wait.until, wait.timezone)}.`,
  );
}

export interface FinalInput {
  ticket: Ticket;
  run: RunRecord;
  /** Steps of a run that ran as one piece, to say what was done and what was not. */
  steps: readonly StepRecord[];
  parts: readonly PartRecord[] | null;
  stop: StopRequest | null;
}

/** The reply that ends a run: outcome, duration, summary, and what was done and what was not. */
export function finalReply({ ticket, run, steps, parts, stop }: FinalInput): Message {
  const took = formatElapsed((run.finishedAt ?? run.startedAt).getTime() - run.startedAt.getTime());
  const summary = run.summary ? plainToMrkdwn(truncate(run.summary, 2000)) : '';
  // The status message above holds the result; this reply is the one notification of the outcome.
  if (run.outcome === 'succeeded')
    return reply(`:white_check_mark: ${ticket.ref} finished in ${took}; the message above has the result.`);
  const lines =
    run.outcome === 'cancelled'
      ? [
          `:no_entry_sign: ${ticket.ref} was stopped${stop?.kind === 'cancel' ? ` by <@${stop.by}>` : ''} after ${took}.`,
        ]
      : [`:x: ${ticket.ref} failed after ${took}: ${summary}`];
  lines.push(...(parts ? partsAccount(parts, run.partNoun ?? 'parts') : stepsAccount(steps)));
  lines.push(
    run.outcome === 'cancelled'
      ? 'Check the target before asking for the rest again.'
      : `Check the target; once the cause is fixed, a DBA can retry it (*Retry* on the request, or ${code(`/dbops retry ${ticket.ref}`)}): what was done is not run again.`,
  );
  return reply(lines.join('\n'));
}

function stepsAccount(steps: readonly StepRecord[]): string[] {
  const own = steps.filter((s) => s.part >= 0);
  const done = own.filter((s) => s.state === 'done').map((s) => s.name);
  const cut = own.filter((s) => s.state !== 'done');
  const lines = [done.length > 0 ? `*Done:* ${names(done)}.` : '*Done:* nothing.'];
  for (const step of cut)
    lines.push(
      `*Not finished:* ${escapeMrkdwn(step.name)}${step.error ? ` (${plainToMrkdwn(truncate(step.error, 300))})` : ''}.`,
    );
  lines.push('*Not run:* everything after that.');
  return lines;
}

function partsAccount(parts: readonly PartRecord[], noun: string): string[] {
  const by = (state: PartState) => parts.filter((p) => p.state === state);
  const lines = [`*Done:* ${by('done').length}/${parts.length} ${noun}.`];
  for (const part of [...by('failed'), ...by('stopped')].slice(0, 10)) {
    lines.push(
      `*${part.state === 'failed' ? 'Failed' : 'Stopped mid-way'}:* ${escapeMrkdwn(part.label)}${part.error ? ` (${plainToMrkdwn(truncate(part.error, 200))})` : ''}`,
    );
  }
  const unstarted = parts.filter((p) => p.state === 'skipped' || p.state === 'pending').length;
  const unfinished = by('running').length;
  if (unfinished > 0)
    lines.push(
      `*Did not finish:* ${pluralNoun(unfinished, noun)} (${unfinished === 1 ? 'its' : 'their'} worker stopped).`,
    );
  if (unstarted > 0) lines.push(`*Not started:* ${pluralNoun(unstarted, noun)}.`);
  return lines;
}

function names(list: readonly string[]): string {
  const shown = list.slice(0, 15).map((n) => escapeMrkdwn(n));
  return list.length > shown.length ? `${shown.join(', ')} and ${list.length - shown.length} more` : shown.join(', ');
}

/** The requester's DM when the run ends. */
export function finishedNotice(ticket: Ticket, run: RunRecord): string {
  if (run.outcome === 'succeeded') return `:white_check_mark: Your change ${ticket.ref} finished.`;
  if (run.outcome === 'cancelled')
    return `:no_entry_sign: Your change ${ticket.ref} was stopped before it finished; the thread says what was done.`;
  return `:x: Your change ${ticket.ref} failed; the thread says why and what was done.`;
}
