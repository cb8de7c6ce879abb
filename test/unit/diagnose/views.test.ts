import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LockWait, Session, TopSnapshot } from '../../../src/diagnose/types.js';
import { ids } from '../../../src/slack/ids.js';
import { diagnoseFormView } from '../../../src/slack/views/diagnose-form.js';
import { slowMessage } from '../../../src/slack/views/diagnose-slow.js';
import { parseKillButtonValue, topMessage } from '../../../src/slack/views/diagnose-top.js';
import { canKill } from '../../../src/tickets/policy.js';

const session = (id: number, over: Partial<Session> = {}): Session => ({
  id,
  user: 'app',
  host: '10.0.0.5:5123',
  schema: 'shop',
  command: 'Query',
  timeMs: 1000 * id,
  state: 'Sending data',
  statement: `SELECT * FROM orders WHERE id = ${id}`,
  ...over,
});

function snapshot(over: Partial<TopSnapshot> = {}): TopSnapshot {
  return {
    cluster: 'prod',
    instance: '10.0.0.1:3306',
    takenAt: new Date(Date.UTC(2026, 11, 2, 9, 30)),
    flavor: 'mariadb',
    connections: 3,
    sleeping: 1,
    sessions: [session(2)],
    transactions: [],
    waits: [],
    blockers: [],
    byUser: [{ key: 'app', count: 3 }],
    byState: [{ key: 'Sleep', count: 1 }],
    notes: [],
    ...over,
  };
}

const actions = (blocks: unknown[]) =>
  blocks.flatMap((b) => {
    const block = b as {
      type: string;
      block_id?: string;
      elements?: Array<{ action_id: string; value: string; confirm?: unknown }>;
    };
    return block.type === 'actions' ? (block.elements ?? []).map((e) => ({ ...e, block: block.block_id })) : [];
  });

describe('the top view', () => {
  const blocker = session(11, { command: 'Sleep', state: null, statement: null, timeMs: 40_000 });
  const wait: LockWait = {
    kind: 'row',
    waitingThread: 12,
    waitingStatement: 'UPDATE orders SET status = 2 WHERE id = 1',
    waitSeconds: 8,
    blockingThread: 11,
    blockingStatement: null,
    object: '`shop`.`orders` index PRIMARY',
    lockMode: 'X',
  };
  const snap = snapshot({
    waits: [wait],
    blockers: [blocker],
    sessions: [session(12, { statement: wait.waitingStatement })],
  });

  it('names who blocks whom; DBAs get Kill buttons with a confirm naming thread, user and statement', () => {
    const message = topMessage(snap, { dba: true, timezone: 'UTC' });
    const text = JSON.stringify(message.blocks);
    assert.match(text, /thread 12\* has waited 8 s for a row lock on `shop.orders index PRIMARY` \(X\)/);
    assert.match(text, /held by \*thread 11\* _idle in its transaction_/);
    const buttons = actions(message.blocks);
    const idle = buttons.filter((b) => parseKillButtonValue(b.value)?.t === 11);
    assert.deepEqual(
      idle.map((b) => b.action_id),
      [ids.diagnose.killConnection],
      'an idle blocker has no query to kill',
    );
    const running = buttons.filter((b) => parseKillButtonValue(b.value)?.t === 12).map((b) => b.action_id);
    assert.deepEqual(running, [ids.diagnose.killQuery, ids.diagnose.killConnection]);
    assert.match(JSON.stringify(buttons[1].confirm), /thread 12 \(app@10.0.0.5 on shop\) on prod: UPDATE orders/);
    assert.equal(new Set(buttons.map((b) => b.block)).size, buttons.length / 1.5, 'one actions block per thread shown');
  });

  it('developers get the same facts and no button', () => {
    const message = topMessage(snap, { dba: false, timezone: 'UTC' });
    assert.deepEqual(actions(message.blocks), []);
    assert.match(JSON.stringify(message.blocks), /Who blocks whom/);
  });

  it('stays within 50 blocks on a busy server, escapes statements and says what it left out', () => {
    const sessions = [...Array(500).keys()].map((i) =>
      session(i + 1, { statement: `SELECT '<!channel> \`x\`' FROM t${i}` }),
    );
    const waits = sessions.slice(0, 40).map((s, i) => ({ ...wait, waitingThread: s.id, blockingThread: 500 - i }));
    const message = topMessage(snapshot({ sessions, waits, blockers: sessions.slice(-40) }), {
      dba: true,
      timezone: 'Asia/Shanghai',
    });
    assert.ok(message.blocks.length <= 50, String(message.blocks.length));
    const text = JSON.stringify(message.blocks);
    const sections = message.blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));
    assert.ok(
      sections.every((t) => !t.includes('<!channel>')),
      'statements are escaped in mrkdwn',
    );
    assert.match(text, /…and 34 more waits/);
    assert.match(text, /…and 490 shorter ones/);
    assert.match(text, /17:30:00 Asia\/Shanghai/);
  });

  it('refuses a button value it did not make', () => {
    assert.equal(parseKillButtonValue('{"c":"prod","i":"x","t":-1,"s":1,"u":"a","h":null}'), null);
    assert.equal(parseKillButtonValue('not json'), null);
  });
});

describe('only DBAs may kill', () => {
  const dbas = new Set(['U0DBA']);
  it('a DBA may', () => assert.deepEqual(canKill('U0DBA', dbas), { ok: true }));
  it('anyone else is told to ask a DBA', () => {
    const verdict = canKill('U0DEV', dbas);
    assert.equal(verdict.ok, false);
    assert.match(verdict.ok ? '' : verdict.message, /Only DBAs can kill/);
  });
});

describe('the slow view and the form', () => {
  it('says what to enable when there is nothing to read', () => {
    const message = slowMessage({
      ok: false,
      enable: 'performance_schema is OFF …',
      cluster: 'prod',
      schema: null,
      since: '1d',
      reviews: [],
    });
    assert.match(message.text, /no statement digests/);
    assert.match(JSON.stringify(message.blocks), /performance_schema is OFF/);
  });

  it('the form asks for a cluster, a schema for slow and space, and since for slow', () => {
    const blocksOf = (verb: 'top' | 'slow' | 'space') =>
      (diagnoseFormView({ verb, channel: 'C1' }, ['prod', 'test']).blocks as Array<{ block_id?: string }>).map(
        (b) => b.block_id,
      );
    assert.deepEqual(blocksOf('top'), [ids.diagnose.clusterBlock]);
    assert.deepEqual(blocksOf('space'), [ids.diagnose.clusterBlock, ids.diagnose.schemaBlock]);
    assert.deepEqual(blocksOf('slow'), [ids.diagnose.clusterBlock, ids.diagnose.schemaBlock, ids.diagnose.sinceBlock]);
  });
});
