import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { parseConfig } from '../../src/config/load.js';
import { applyTopology, TopologyStore } from '../../src/ha/topology.js';
import { ids } from '../../src/slack/ids.js';
import {
  APPROVAL_CHANNEL,
  DBA,
  DEV,
  DEV_CHANNEL,
  startHarness,
  testConfigYaml,
  type Harness,
} from '../support/harness.js';
import { startReplicaSet, type ReplicaNode, type ReplicaSet } from '../support/replica-set.js';
import { startSecondObserver } from '../support/second-observer.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import {
  approvalMessage,
  clickOn,
  openTicketReader,
  refIn,
  slash,
  ticketOf,
  waitForCall,
} from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

// A private primary (3391) and two GTID replicas (3392, 3393), started by scripts/replica.sh and
// removed afterwards. 3393 shares the primary's site, so it is the candidate dbops picks.
const PORT = 3391;
const [P, R1, R2] = [PORT, PORT + 1, PORT + 2].map((p) => `127.0.0.1:${p}`);
const SCHEMA = 'sw_e2e';
const APP = 'sw_app';
const ALERTS = 'C0DBALERTS';
const CONFIG = testConfigYaml(`  ha:
    env: prod
    primary: { host: 127.0.0.1, port: ${PORT}, site: dc1 }
    replicas: [{ host: 127.0.0.1, port: ${PORT + 1}, site: dc2 }, { host: 127.0.0.1, port: ${PORT + 2}, site: dc1 }]
    user: root
    ha: { replication_user: dbops_repl, replication_password_env: DBOPS_SW_E2E_REPL, max_lag_seconds: 5 }
${FAST_RUNNER}`);
let set: ReplicaSet;
let h: Harness;
let reader: Awaited<ReturnType<typeof openTicketReader>>;

before(async () => {
  process.env.DBOPS_SW_E2E_REPL = 'dbops_repl_local_only';
  set = await startReplicaSet('sw-e2e', PORT, { replicas: 2, fresh: true });
  await set.sql('primary', `CREATE DATABASE IF NOT EXISTS ${SCHEMA}`);
  await set.sql('primary', `CREATE TABLE IF NOT EXISTS ${SCHEMA}.writes (n INT PRIMARY KEY) ENGINE=InnoDB`);
  // The application's account: no admin privilege, so read_only stops it as it stops an application.
  await set.sql('primary', `CREATE USER IF NOT EXISTS '${APP}'@'127.0.0.1' IDENTIFIED BY 'sw-app-pw'`);
  await set.sql('primary', `GRANT SELECT, INSERT ON ${SCHEMA}.* TO '${APP}'@'127.0.0.1'`);
  h = await startHarness({
    workers: true,
    monitors: true,
    configYaml: CONFIG,
  });
  reader = await openTicketReader(h);
});
after(async () => {
  try {
    await reader?.close();
    await h?.stop();
  } finally {
    await set?.cleanup();
    delete process.env.DBOPS_SW_E2E_REPL;
  }
});

const text = (m: { text?: string; blocks?: unknown[] }) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;

const slaveStatus = (node: ReplicaNode) => set.slaveStatus(node);

it('a stopped replica: the switchover is refused with the reason, and no ticket is opened', async () => {
  await set.sql('replica', 'STOP SLAVE');
  try {
    const answer = await slash(h, 'switchover ha', DEV);
    const shown = text(answer.params);
    assert.match(shown, /Switchover of ha refused — nothing was changed/);
    assert.match(shown, /replicas running: 127\.0\.0\.1:3392 replication stopped \(IO No, SQL No\)/);
    assert.doesNotMatch(shown, /T-\d+/, 'no ticket');

    // Without a cluster, a form asks for it; its answer is the same refusal, privately in the channel.
    const form = ids.diagnose;
    const since = h.api.calls.length;
    await h.slack.slashCommand({ text: 'switchover', userId: DEV, channelId: DEV_CHANNEL });
    const opened = await waitForCall(h, (c) => c.method === 'views.open', since);
    const view = opened.params.view as { private_metadata: string; title: { text: string } };
    assert.equal(view.title.text, 'Switchover');
    await h.slack.viewSubmission({
      userId: DEV,
      callbackId: form.formCallback,
      privateMetadata: view.private_metadata,
      values: {
        [form.clusterBlock]: { [form.clusterInput]: { type: 'static_select', selected_option: { value: 'ha' } } },
      },
    });
    const formAnswer = await waitForCall(
      h,
      (c) =>
        c.method === 'chat.postEphemeral' && c.params.user === DEV && /Switchover of ha refused/.test(text(c.params)),
      since,
    );
    assert.match(text(formAnswer.params), /127\.0\.0\.1:3392 replication stopped/);
  } finally {
    await set.sql('replica', 'START SLAVE');
  }
  await waitUntil(async () => (await slaveStatus('replica'))?.Slave_SQL_Running === 'Yes', 20_000, 'replication again');
});

it('a switchover under a steady writer loses no acknowledged write, posts each step and ends with the new topology verified', async () => {
  const answer = await slash(h, 'switchover ha', DEV);
  const ref = refIn(answer);
  const card = text(answer.params);
  assert.match(card, /New primary\* `127\.0\.0\.1:3393` — caught up, same site as the primary \(dc1\)/);
  assert.match(card, /✅ \*replicas running\*/);
  assert.match(card, /✅ \*GTID positions\*/);

  // The writer: one row at a time on whichever instance takes it, like an application behind a proxy.
  const acked: number[] = [];
  let writing = true;
  const app = await Promise.all(
    [PORT, PORT + 2].map((port) =>
      mysql.createPool({ host: '127.0.0.1', port, user: APP, password: 'sw-app-pw', connectionLimit: 1 }),
    ),
  );
  const writer = (async () => {
    for (let n = 1; writing; n++) {
      for (;;) {
        const ok = await app[0].query(`INSERT INTO ${SCHEMA}.writes VALUES (?)`, [n]).then(
          () => true,
          () =>
            app[1].query(`INSERT INTO ${SCHEMA}.writes VALUES (?)`, [n]).then(
              () => true,
              () => false,
            ),
        );
        if (ok) break;
        if (!writing) return;
        await sleep(5);
      }
      acked.push(n);
    }
  })();
  await waitUntil(() => acked.length >= 20, 10_000, 'the writer to write');

  const approvedAt = Date.now();
  await clickOn(h, approvalMessage(h, ref), DBA, 'approve', ref);
  await waitUntil(
    async () => ['succeeded', 'failed', 'cancelled'].includes((await ticketOf(reader.store, ref)).state),
    60_000,
    `${ref} to end`,
  );
  const doneAt = Date.now();
  await sleep(200);
  writing = false;
  await writer;
  await Promise.all(app.map((p) => p.end()));
  const ticket = await ticketOf(reader.store, ref);
  assert.ok(ticket.slack.threadChannel && ticket.slack.threadTs);
  const thread = h.api.replies(ticket.slack.threadChannel, ticket.slack.threadTs).map(text).join('\n');
  assert.equal(ticket.state, 'succeeded', thread);
  const steps = thread.match(/✓ [^"\\]+? — \d+\.\d\d s/g) ?? [];
  const total =
    /approval → verified write (\d+\.\d\d) s \(a worker took it after \d+\.\d\d s; writes blocked \d+\.\d\d s\)/.exec(
      thread,
    );
  assert.ok(total, 'the thread reports approval → verified write');
  console.log(
    `measured: switchover approval → ticket succeeded ${doneAt - approvedAt} ms (job: approval → verified write ${total[1]} s); ${acked.length} writes acknowledged\n  ${steps.join('\n  ')}`,
  );
  for (const step of [
    /pre-checks — \d+\.\d\d s/,
    /old primary read-only, in-flight writes done — /,
    /127\.0\.0\.1:3393 caught up/,
    /127\.0\.0\.1:3393 promoted: replication stopped, writable — /,
    /replicas follow 127\.0\.0\.1:3393 \(127\.0\.0\.1:3392\) — /,
    /127\.0\.0\.1:3391 read-only replica of 127\.0\.0\.1:3393 — /,
    /verified: a heartbeat written on 127\.0\.0\.1:3393, read back on 127\.0\.0\.1:3392, 127\.0\.0\.1:3391 — /,
    /new topology recorded — /,
  ])
    assert.match(thread, step);

  // The topology: 3393 writable and replicating from nobody; the others its read-only replicas.
  const ro = async (node: ReplicaNode) =>
    Number(((await set.sql(node, 'SELECT @@global.read_only AS ro')) as RowDataPacket[])[0]?.ro);
  assert.equal(await ro('replica2'), 0);
  assert.equal(await slaveStatus('replica2'), undefined);
  for (const node of ['primary', 'replica'] as const) {
    assert.equal(await ro(node), 1, `${node} is read-only`);
    const s = await slaveStatus(node);
    assert.equal(`${s?.Master_Host}:${s?.Master_Port}`, R2, `${node} replicates from the new primary`);
    assert.equal(s?.Slave_IO_Running, 'Yes');
    assert.equal(s?.Slave_SQL_Running, 'Yes');
  }

  // No acknowledged write lost: every one is on the new primary and reaches both replicas.
  const pos = ((await set.sql('replica2', 'SELECT @@global.gtid_binlog_pos AS p')) as RowDataPacket[])[0]?.p;
  for (const node of ['replica2', 'primary', 'replica'] as const) {
    if (node !== 'replica2') await set.sql(node, 'SELECT MASTER_GTID_WAIT(?, 20)', [pos]);
    const rows = (await set.sql(node, `SELECT n FROM ${SCHEMA}.writes`)) as RowDataPacket[];
    const have = new Set(rows.map((r) => Number(r.n)));
    const lost = acked.filter((n) => !have.has(n));
    assert.deepEqual(lost, [], `${node}: acknowledged writes missing (${acked.length} acknowledged)`);
  }

  // dbops' inventory follows: /dbops clusters shows the new primary, the meta database records it.
  const listed = text((await slash(h, 'clusters ha', DEV)).params);
  assert.match(listed, /primary `127\.0\.0\.1:3393`/);
  assert.doesNotMatch(listed, /primary `127\.0\.0\.1:3391`/);
});

// Runs on the topology the switchover above left: 3393 primary, 3391 (dc1) and 3392 (dc2) its replicas.
it('a killed primary is declared down only once two observers agree; "Fail over to" promotes the best replica', async () => {
  const failures = h.runtime.monitoring?.failures;
  assert.ok(failures, 'the harness runs failure detection');
  // A second worker process, as an observer of its own sharing the installation's Redis keys.
  // Its dbops.yml names 3391 as the primary; the topology the switchover recorded moves it to 3393.
  const meta = mysql.createPool({ host: '127.0.0.1', user: 'root', database: h.metaDatabase, connectionLimit: 1 });
  const otherConfig = parseConfig(CONFIG);
  const [applied] = applyTopology(otherConfig.clusters, await new TopologyStore(meta).all());
  await meta.end();
  assert.deepEqual(applied, { cluster: 'ha', applied: true });
  const observerB = await startSecondObserver(h, otherConfig);
  try {
    const other = observerB.detector;
    assert.equal((await failures.observe('ha')).status, 'up');
    await set.kill('replica2');
    assert.equal((await other.observe('ha')).status, 'suspect', 'one observer is not enough');
    assert.deepEqual(await primaryDown(), [], 'no alert yet');
    const verdict = await failures.observe('ha');
    assert.equal(verdict.status, 'down');
    assert.ok(verdict.status === 'down' && verdict.declaredHere);
    const [alert] = await primaryDown();
    assert.ok(alert, 'declared down: one alert');
    assert.match(alert.summary, /2 observers \(.*observer-b.*\) could not reach the primary/);
    assert.match(
      alert.summary,
      /Proposed new primary: 127\.0\.0\.1:3391 \(caught up, same site as the primary \(dc1\)/,
    );
    assert.equal((await other.observe('ha')).status, 'down', 'declared once');
    assert.equal((await primaryDown()).length, 1);

    const message = h.api.messages(ALERTS).find((m) => /Fail over to 127\.0\.0\.1:3391/.test(text(m)));
    assert.ok(message, 'the alert message offers the failover');
    const clickedAt = Date.now();
    await h.slack.blockAction({
      userId: DBA,
      actionId: ids.alertActions.failover,
      value: `alert-${alert.id}`,
      channelId: ALERTS,
      messageTs: message.ts,
    });
    let ref = '';
    await waitUntil(
      () => {
        const card = h.api.messages(APPROVAL_CHANNEL).find((m) => /Failover of ha to 127\.0\.0\.1:3391/.test(text(m)));
        if (card) ref = refIn(card);
        return ref !== '';
      },
      15_000,
      'the failover ticket',
    );
    await waitUntil(
      async () => ['succeeded', 'failed', 'cancelled'].includes((await ticketOf(reader.store, ref)).state),
      60_000,
      `${ref} to end`,
    );
    const ticket = await ticketOf(reader.store, ref);
    assert.ok(ticket.slack.threadChannel && ticket.slack.threadTs);
    const thread = h.api.replies(ticket.slack.threadChannel, ticket.slack.threadTs).map(text).join('\n');
    assert.equal(ticket.state, 'succeeded', thread);
    assert.equal(ticket.approvals[0]?.approver, DBA, 'the click was the approval');
    const steps = thread.match(/✓ [^"\\]+? — \d+\.\d\d s/g) ?? [];
    console.log(`measured: failover click → ticket succeeded ${Date.now() - clickedAt} ms\n  ${steps.join('\n  ')}`);
    assert.equal(
      Number(((await set.sql('primary', 'SELECT @@global.read_only AS ro')) as RowDataPacket[])[0]?.ro),
      0,
      '3391 is writable',
    );
    assert.equal(await slaveStatus('primary'), undefined);
    const s2 = await slaveStatus('replica');
    assert.equal(`${s2?.Master_Host}:${s2?.Master_Port}`, P, '3392 replicates from the new primary');
    assert.equal(s2?.Slave_SQL_Running, 'Yes');
    assert.equal(R1, `127.0.0.1:${PORT + 1}`);
  } finally {
    await observerB.close();
  }
});

async function primaryDown() {
  return ((await h.runtime.monitoring?.alerts.firing('ha')) ?? []).filter((a) => a.checkId === 'primary-down');
}
