import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import type { RecordedCall, StoredMessage } from '../../src/dev/index.js';
import { openMetaStore } from '../../src/db/meta.js';
import { ids } from '../../src/slack/ids.js';
import type { KindRegistry } from '../../src/tickets/kind.js';
import { realKinds } from './kinds.js';
import { TicketStore } from '../../src/tickets/store.js';
import type { Ticket } from '../../src/tickets/ticket.js';
import { before, after } from 'node:test';
import {
  APPROVAL_CHANNEL,
  DEV,
  DEV_CHANNEL,
  dropDatabase,
  startHarness,
  type Harness,
  type HarnessOptions,
  testConfigYaml,
} from './harness.js';
import { FAST_RUNNER } from './runner-fixture.js';

/** A schema on the local MariaDB for exec to target: `orders` with a few rows, commented as the rules want. */
export async function createTargetSchema(): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `dbops_tgt_${randomBytes(4).toString('hex')}`;
  const conn = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  try {
    await conn.query(`CREATE DATABASE \`${name}\``);
    await conn.query(`CREATE TABLE \`${name}\`.orders (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY COMMENT 'order id',
      status INT NOT NULL DEFAULT 0 COMMENT 'order status',
      note VARCHAR(100) NOT NULL DEFAULT '' COMMENT 'free text'
    ) ENGINE=InnoDB COMMENT='orders'`);
    await conn.query(`INSERT INTO \`${name}\`.orders (status) VALUES (0), (0), (1)`);
  } finally {
    await conn.end();
  }
  return { name, drop: () => dropDatabase(name) };
}

/** Reads the harness's meta database the way the bot does, for assertions. */
export async function openTicketReader(
  h: Harness,
  kinds: KindRegistry = realKinds,
): Promise<{ store: TicketStore; close(): Promise<void> }> {
  const pool = await openMetaStore(`mysql://root@127.0.0.1:3306/${h.metaDatabase}`);
  return { store: new TicketStore(pool, kinds), close: () => pool.end() };
}

export interface TicketFlow {
  h: Harness;
  target: Awaited<ReturnType<typeof createTargetSchema>>;
  reader: Awaited<ReturnType<typeof openTicketReader>>;
}

/**
 * The hooks every ticket e2e file needs: before, a target schema, the harness and a reader of its
 * tickets (handed to `ready`); after, all three closed again.
 */
export function useTicketFlow(options: HarnessOptions | undefined, ready: (flow: TicketFlow) => void): void {
  let flow: TicketFlow | undefined;
  let backups: string | undefined;
  before(async () => {
    const target = await createTargetSchema();
    backups = `${target.name}_bk`;
    const configYaml = withOwnBackupSchema(options?.configYaml ?? testConfigYaml(), backups);
    const h = await startHarness({ ...options, configYaml });
    flow = { h, target, reader: await openTicketReader(h) };
    ready(flow);
  });
  after(async () => {
    if (flow) {
      await flow.reader.close();
      await flow.h.stop();
      await flow.target.drop();
    }
    if (backups) await dropDatabase(backups);
  });
}

/**
 * The flow's before-images go to a backup schema of its own, dropped with it, not into the shared
 * default (`dbops_backup`) where every run left a table; a config that names one keeps it.
 */
function withOwnBackupSchema(yaml: string, schema: string): string {
  if (/^\s+backup_schema:/m.test(yaml)) return yaml;
  if (/^execution:\s*$/m.test(yaml)) return yaml.replace(/^execution:\s*$/m, `execution:\n  backup_schema: ${schema}`);
  return `${yaml}\nexecution:\n  backup_schema: ${schema}\n`;
}

export interface ShopFlow {
  h: Harness;
  reader: Awaited<ReturnType<typeof openTicketReader>>;
  /** A root connection to the local MariaDB, for the test's own reads and writes. */
  db: mysql.Connection;
}

/**
 * The hooks of an e2e file whose tickets run changes on a shop schema of its own: before, a schema
 * `<prefix>_<hex>` holding `orders` (id 1…`rows`, status 0), a harness with workers and the fast
 * runner (before-images in `<schema>_bk`), a reader of its tickets and a root connection (handed to
 * `ready`); after, all closed and both schemas dropped. Returns the schema's name.
 */
export function useShopFlow(
  prefix: string,
  options: { rows: number; harness?: HarnessOptions },
  ready: (flow: ShopFlow) => void,
): string {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  let db: mysql.Connection | undefined;
  let h: Harness | undefined;
  let reader: ShopFlow['reader'] | undefined;
  before(async () => {
    db = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    await db.query(`CREATE DATABASE \`${schema}\``);
    await db.query(`CREATE TABLE \`${schema}\`.orders (
    id INT UNSIGNED NOT NULL PRIMARY KEY COMMENT 'order id',
    status INT NOT NULL DEFAULT 0 COMMENT 'order status'
  ) ENGINE=InnoDB COMMENT='orders'`);
    if (options.rows > 0)
      await db.query(`INSERT INTO \`${schema}\`.orders SELECT seq, 0 FROM \`${schema}\`.seq_1_to_${options.rows}`);
    h = await startHarness({
      workers: true,
      configYaml: testConfigYaml(`${FAST_RUNNER}\nexecution:\n  backup_schema: ${schema}_bk\n`),
      ...options.harness,
    });
    reader = await openTicketReader(h);
    ready({ h, db, reader });
  });
  after(async () => {
    await reader?.close();
    await h?.stop();
    if (!db) return;
    await db.end();
    await dropDatabase(schema);
    await dropDatabase(`${schema}_bk`);
  });
  return schema;
}

/** `/dbops <text>` as `user` in the dev channel; resolves with the bot's answer through response_url. */
export async function slash(h: Harness, text: string, user = DEV, channel = DEV_CHANNEL): Promise<RecordedCall> {
  const before = h.api.calls.length;
  const sent = await h.slack.slashCommand({ text, userId: user, channelId: channel });
  assert.equal(sent.status, 200);
  return h.api.waitFor('response_url', (c) => h.api.calls.indexOf(c) >= before && c.target?.user === user, 10_000);
}

/** The ref (`T-42`) an answer names first. */
export function refIn(call: RecordedCall | StoredMessage): string {
  const text = 'params' in call ? String(call.params.text) : String(call.text);
  const match = /T-\d+/.exec(text);
  assert.ok(match, `no ticket ref in: ${text}`);
  return match[0];
}

/** The approval message of a ticket in the approval channel, as Slack holds it now. */
export function approvalMessage(h: Harness, ref: string): StoredMessage {
  const found = h.api.messages(APPROVAL_CHANNEL).find((m) => !m.thread_ts && m.text?.startsWith(`${ref}:`));
  assert.ok(found, `no approval message for ${ref}`);
  return found;
}

export function actionIds(message: { blocks?: unknown[] }): string[] {
  return (message.blocks ?? []).flatMap((b) => {
    const block = b as { type?: string; elements?: Array<{ action_id?: string }> };
    return block.type === 'actions' ? (block.elements ?? []).map((e) => e.action_id ?? '') : [];
  });
}

export type ButtonKind = keyof typeof ids.ticketActions;

/** Click a ticket's button on a message (in a channel, or an ephemeral one). */
export function clickOn(
  h: Harness,
  message: StoredMessage,
  user: string,
  kind: Exclude<ButtonKind, 'blockPrefix'>,
  ref: string,
) {
  return h.slack.blockAction({
    userId: user,
    actionId: ids.ticketActions[kind],
    value: ref,
    channelId: message.channel,
    messageTs: message.ts,
  });
}

/** The first recorded call (past or future, from index `since` on) matching `predicate`. */
export function waitForCall(
  h: Harness,
  predicate: (c: RecordedCall) => boolean,
  since = 0,
  timeoutMs = 10_000,
): Promise<RecordedCall> {
  const matches = (c: RecordedCall) => !c.fault && predicate(c);
  const seen = h.api.calls.slice(since).find(matches);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching Slack call within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = h.api.onCall((c) => {
      if (!matches(c)) return;
      clearTimeout(timer);
      off();
      resolve(c);
    });
  });
}

/** The next private answer to `user` (an ephemeral message, or a response_url answer) from call index `since` on. */
export function nextPrivateAnswer(h: Harness, user: string, since: number): Promise<RecordedCall> {
  return waitForCall(
    h,
    (c) =>
      (c.method === 'chat.postEphemeral' && c.params.user === user) ||
      (c.method === 'response_url' && c.target?.user === user),
    since,
  );
}

/** Resolves once the approval message of `ref` was edited to match `pattern`. */
export function edited(h: Harness, ref: string, pattern: RegExp): Promise<RecordedCall> {
  const ts = approvalMessage(h, ref).ts;
  return h.api.waitFor(
    'chat.update',
    (c) => c.params.ts === ts && pattern.test(JSON.stringify(c.params.blocks)),
    10_000,
  );
}

export function idOf(ref: string): number {
  return Number(ref.replace('T-', ''));
}

export async function ticketOf(store: TicketStore, ref: string): Promise<Ticket> {
  const ticket = await store.get(idOf(ref));
  assert.ok(ticket, `${ref} is not in the store`);
  return ticket;
}

/**
 * Cancel… on a running ticket's status message: the click opens the reason form, which is sent
 * with `reason`. Resolves once the form is submitted.
 */
export async function cancelRunning(
  h: Harness,
  message: { channel: string; ts: string },
  user: string,
  ref: string,
  reason = 'stopped by the test',
): Promise<void> {
  const since = h.api.calls.length;
  await h.slack.blockAction({
    userId: user,
    actionId: ids.ticketActions.cancel,
    value: ref,
    channelId: message.channel,
    messageTs: message.ts,
  });
  await waitForCall(h, (c) => c.method === 'views.open', since);
  const form = ids.cancelModal;
  await h.slack.viewSubmission({
    userId: user,
    callbackId: form.callback,
    viewId: h.api.openedViews.at(-1)?.id,
    values: { [form.reasonBlock]: { [form.reasonInput]: { type: 'plain_text_input', value: reason } } },
  });
}
