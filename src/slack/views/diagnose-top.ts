import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { z } from 'zod';
import { statementHash } from '../../diagnose/kill.js';
import type { Count, KillKind, LockWait, Session, TopSnapshot, Transaction } from '../../diagnose/types.js';
import { formatSeconds } from '../../kernel/format.js';
import { ids } from '../ids.js';
import { code, context, divider, escapeMrkdwn, header, section, truncate, type Message } from '../../text/blocks.js';

/** Sessions with their own block (and Kill buttons for DBAs); the rest are counted. */
export const SESSIONS_SHOWN = 10;
export const WAITS_SHOWN = 6;
export const TRANSACTIONS_SHOWN = 8;
const STATEMENT_SHOWN = 240;

/** What a Kill button carries: the thread as `top` saw it (src/diagnose/types.ts KillRequest, without the actor). */
export const KillButtonValue = z.object({
  c: z.string().regex(/^[a-z][a-z0-9_-]*$/),
  i: z.string().max(255),
  t: z.number().int().positive(),
  s: z.number().int().nonnegative(),
  u: z.string().max(128),
  h: z
    .string()
    .regex(/^[0-9a-f]{12}$/)
    .nullable(),
});
export type KillButtonValue = z.infer<typeof KillButtonValue>;

export function parseKillButtonValue(value: string): KillButtonValue | null {
  try {
    const parsed = KillButtonValue.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface TopViewOptions {
  /** The reader is a DBA: Kill buttons are shown. */
  dba: boolean;
  /** The cluster's time zone, for the time of the read. */
  timezone: string;
}

/** `/dbops top cluster`: who blocks whom, the longest statements, open transactions and counts. */
export function topMessage(snap: TopSnapshot, options: TopViewOptions): Message {
  const running = snap.sessions.length;
  const blocks: KnownBlock[] = [
    header(`top · ${snap.cluster} primary ${snap.instance}`),
    context(
      `${snap.connections} connection${snap.connections === 1 ? '' : 's'} · ${running} running · ${snap.sleeping} sleeping · ${snap.transactions.length} open transaction${snap.transactions.length === 1 ? '' : 's'} · read ${readAt(snap.takenAt, options.timezone)}`,
    ),
  ];
  if (snap.waits.length > 0) {
    blocks.push(section(`*Who blocks whom* (${snap.waits.length})`));
    for (const [n, wait] of snap.waits.slice(0, WAITS_SHOWN).entries()) {
      blocks.push(section(waitText(wait)));
      const blocker = snap.blockers.find((s) => s.id === wait.blockingThread);
      if (options.dba && blocker) blocks.push(killActions(snap, blocker, `w${n}`));
    }
    if (snap.waits.length > WAITS_SHOWN) blocks.push(context(`…and ${snap.waits.length - WAITS_SHOWN} more waits.`));
  }
  blocks.push(divider(), section(`*Longest running* (${running})`));
  if (running === 0) blocks.push(context('Nothing runs now: every session is sleeping.'));
  for (const s of snap.sessions.slice(0, SESSIONS_SHOWN)) {
    blocks.push(section(sessionText(s)));
    if (options.dba) blocks.push(killActions(snap, s, `s${s.id}`));
  }
  if (running > SESSIONS_SHOWN) blocks.push(context(`…and ${running - SESSIONS_SHOWN} shorter ones.`));
  if (snap.transactions.length > 0)
    blocks.push(divider(), section(`*Open transactions* (oldest first)\n${transactionLines(snap.transactions)}`));
  blocks.push(divider(), section(`*By user* ${countLine(snap.byUser)}\n*By state* ${countLine(snap.byState)}`));
  for (const note of snap.notes) blocks.push(context(`:information_source: ${escapeMrkdwn(note)}`));
  const text = `top ${snap.cluster}: ${running} running, ${snap.waits.length} lock wait${snap.waits.length === 1 ? '' : 's'}`;
  return { text, blocks: blocks.slice(0, 50) };
}

function waitText(w: LockWait): string {
  const what = w.kind === 'row' ? 'a row lock' : 'a metadata lock';
  const on = w.object ? ` on ${code(w.object.replace(/`/g, ''))}` : '';
  const mode = w.lockMode ? ` (${escapeMrkdwn(w.lockMode)})` : '';
  const blocker =
    w.blockingThread === null
      ? '*a holder the server does not name*'
      : `*thread ${w.blockingThread}* ${w.blockingStatement ? statement(w.blockingStatement) : '_idle in its transaction_'}`;
  return `:lock: *thread ${w.waitingThread}* has waited ${formatSeconds(w.waitSeconds)} for ${what}${on}${mode} held by ${blocker}\n_waiting:_ ${w.waitingStatement ? statement(w.waitingStatement) : '—'}`;
}

function sessionText(s: Session): string {
  const where = s.schema ? ` · ${code(s.schema)}` : '';
  const state = s.state ? ` · ${escapeMrkdwn(s.state)}` : ` · ${escapeMrkdwn(s.command)}`;
  return `*thread ${s.id}* · ${escapeMrkdwn(s.user)}@${escapeMrkdwn(hostOnly(s.host))}${where} · ${formatSeconds(s.timeMs / 1000)}${state}\n${s.statement ? statement(s.statement) : '_no statement_'}`;
}

function transactionLines(list: readonly Transaction[]): string {
  const lines = list.slice(0, TRANSACTIONS_SHOWN).map((t) => {
    const doing = t.statement ? statement(t.statement) : '_idle in transaction_';
    return `• thread ${t.threadId} · ${formatSeconds(t.ageSeconds)} · ${escapeMrkdwn(t.state)} · ${t.rowsLocked} rows locked, ${t.rowsModified} modified · ${doing}`;
  });
  if (list.length > TRANSACTIONS_SHOWN) lines.push(`…and ${list.length - TRANSACTIONS_SHOWN} more.`);
  return lines.join('\n');
}

function countLine(counts: readonly Count[]): string {
  const shown = counts.slice(0, 8).map((c) => `${escapeMrkdwn(c.key)} ${c.count}`);
  return shown.length === 0 ? '—' : shown.join(' · ') + (counts.length > 8 ? ' · …' : '');
}

/** A statement on one line, cut short, as inline code. */
export function shortStatement(text: string, max = STATEMENT_SHOWN): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}

function statement(text: string): string {
  return code(shortStatement(text));
}

function hostOnly(host: string): string {
  return host.replace(/:\d+$/, '');
}

function readAt(at: Date, timezone: string): string {
  return `${at.toLocaleTimeString('en-GB', { timeZone: timezone, hour12: false })} ${timezone}`;
}

function killActions(snap: TopSnapshot, s: Session, key: string): ActionsBlock {
  const button = (kind: KillKind): Button => {
    const value: KillButtonValue = {
      c: snap.cluster,
      i: snap.instance,
      t: s.id,
      s: snap.takenAt.getTime(),
      u: s.user,
      h: kind === 'query' ? statementHash(s.statement) : null,
    };
    const what = kind === 'query' ? 'the running statement' : 'the connection';
    const title = kind === 'query' ? 'Kill query?' : 'Kill connection?';
    return {
      type: 'button',
      action_id: kind === 'query' ? ids.diagnose.killQuery : ids.diagnose.killConnection,
      text: { type: 'plain_text', text: kind === 'query' ? 'Kill query' : 'Kill connection' },
      value: JSON.stringify(value),
      style: 'danger',
      confirm: {
        title: { type: 'plain_text', text: title },
        text: {
          type: 'plain_text',
          text: truncate(
            `Kill ${what} of thread ${s.id} (${s.user}@${hostOnly(s.host)}${s.schema ? ` on ${s.schema}` : ''}) on ${snap.cluster}${kind === 'connection' ? ', rolling back its open transaction' : ''}: ${s.statement ? shortStatement(s.statement, 140) : 'no statement'}`,
            300,
          ),
        },
        confirm: { type: 'plain_text', text: kind === 'query' ? 'Kill query' : 'Kill connection' },
        deny: { type: 'plain_text', text: 'Keep it' },
        style: 'danger',
      },
    };
  };
  const buttons =
    s.statement && s.command !== 'Sleep' ? [button('query'), button('connection')] : [button('connection')];
  return { type: 'actions', block_id: `${ids.diagnose.blockPrefix}${key}`, elements: buttons };
}

/** The private answer to a Kill, and the line said in the channel when it killed. */
export function killedText(
  actor: string,
  kind: KillKind,
  cluster: string,
  instance: string,
  s: Pick<Session, 'id' | 'user' | 'host' | 'schema' | 'statement'>,
): string {
  const what = kind === 'query' ? 'killed the query of' : 'killed the connection';
  return `:skull: <@${actor}> ${what} *thread ${s.id}* (${escapeMrkdwn(s.user)}@${escapeMrkdwn(hostOnly(s.host))}${s.schema ? ` on ${code(s.schema)}` : ''}) on ${escapeMrkdwn(cluster)} primary ${escapeMrkdwn(instance)}${s.statement ? `: ${statement(s.statement)}` : ''}`;
}
