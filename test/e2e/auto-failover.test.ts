import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import net from 'node:net';
import mysql, { type RowDataPacket } from 'mysql2/promise';
import { parseConfig } from '../../src/config/load.js';
import type { DbopsConfig } from '../../src/config/schema.js';
import { applyTopology, TopologyStore } from '../../src/ha/topology.js';
import type { FailureDetector } from '../../src/ha/failure-detector.js';
import { startSecondObserver } from '../support/second-observer.js';
import { startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { startReplicaSet, type ReplicaNode, type ReplicaSet } from '../support/replica-set.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import { openTicketReader, ticketOf } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

// `auto`: a private primary (3381) and two GTID replicas (3382 dc2, 3383 dc1) with
// `ha.auto_failover`; 3383 shares the primary's site, so it is the one promoted.
// `flap`: no auto_failover, its primary the shared server behind a TCP relay the test cuts and restores.
const PORT = 3381;
const [P, R1, R2] = [PORT, PORT + 1, PORT + 2].map((p) => `127.0.0.1:${p}`);
const ALERTS = 'C0DBALERTS';
let set: ReplicaSet;
let h: Harness;
let reader: Awaited<ReturnType<typeof openTicketReader>>;
let relay: Relay;
let observerB: Awaited<ReturnType<typeof startSecondObserver>> | undefined;
let other: FailureDetector;
let otherConfig: DbopsConfig;

const config = (relayPort: number) =>
  testConfigYaml(`  auto:
    env: prod
    primary: { host: 127.0.0.1, port: ${PORT}, site: dc1 }
    replicas: [{ host: 127.0.0.1, port: ${PORT + 1}, site: dc2 }, { host: 127.0.0.1, port: ${PORT + 2}, site: dc1 }]
    user: root
    ha: { auto_failover: true, replication_user: dbops_repl, replication_password_env: DBOPS_HA_AUTO_REPL }
  flap:
    env: prod
    primary: { host: 127.0.0.1, port: ${relayPort} }
    user: root
    ha: {}
${FAST_RUNNER}`);

before(async () => {
  process.env.DBOPS_HA_AUTO_REPL = 'dbops_repl_local_only';
  relay = await startRelay(3306);
  set = await startReplicaSet('ha-auto', PORT, { replicas: 2, fresh: true });
  const yaml = config(relay.port);
  h = await startHarness({ workers: true, monitors: true, configYaml: yaml });
  reader = await openTicketReader(h);
  otherConfig = parseConfig(yaml);
  observerB = await startSecondObserver(h, otherConfig);
  other = observerB.detector;
});
after(async () => {
  try {
    await observerB?.close();
    await reader?.close();
    await h?.stop();
    await relay?.close();
  } finally {
    await set?.cleanup();
    delete process.env.DBOPS_HA_AUTO_REPL;
  }
});

const text = (m: { text?: string; blocks?: unknown[] }) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
const detector = () => {
  const failures = h.runtime.monitoring?.failures;
  assert.ok(failures, 'the harness runs failure detection');
  return failures;
};
const primaryDown = async (cluster: string) =>
  ((await h.runtime.monitoring?.alerts.firing(cluster)) ?? []).filter((a) => a.checkId === 'primary-down');
/** The cluster's newest alert message (a closed group's all-clear stays; a new failure posts anew). */
const alertMessage = (cluster: string) =>
  [...h.api.messages(ALERTS)].reverse().find((m) => text(m).includes(`${cluster} (prod)`));

/** What dbops sent to the alert channel about `cluster` since call `since` (posts or edits). */
const alertCalls = (since: number, method: 'chat.postMessage' | 'chat.update', cluster: string) =>
  h.api.calls
    .slice(since)
    .filter((c) => c.method === method && !c.fault && c.params.channel === ALERTS)
    .map((c) => c.params as { text?: string; blocks?: unknown[] })
    .filter((m) => text(m).includes(`${cluster} (prod)`));
const slaveStatus = (node: ReplicaNode) => set.slaveStatus(node);

it("auto_failover: once two observers agree the primary is down, dbops fails over by itself, posts every step, and the alert resolves; a second failure within the pause is a DBA's decision", async () => {
  assert.equal((await detector().observe('auto')).status, 'up');
  const since = h.api.calls.length;
  await set.kill('primary');
  assert.equal((await other.observe('auto')).status, 'suspect', 'one observer is not enough');
  assert.deepEqual(await primaryDown('auto'), [], 'no alert yet');
  const declaredAt = Date.now();
  const verdict = await detector().observe('auto');
  assert.ok(verdict.status === 'down' && verdict.declaredHere, 'declared here');

  const [alert] = await primaryDown('auto');
  assert.ok(alert, 'one alert');
  const match =
    /Automatic failover started \(ha\.auto_failover\): (T-\d+) promotes 127\.0\.0\.1:3383 \(caught up, same site as the primary \(dc1\)/.exec(
      alert.summary,
    );
  assert.ok(match, alert.summary);
  const ref = match[1];
  const message = alertMessage('auto');
  assert.ok(message, 'the alert message');
  assert.match(text(message), /Automatic failover started/);
  assert.doesNotMatch(text(message), /Checking with its replicas/, 'the outcome replaced the interim text');
  assert.doesNotMatch(text(message), /Fail over to/, 'no button: dbops is failing over');
  // DBAs heard of it before the replicas were asked: first posted, then that message edited.
  const [first, ...more] = alertCalls(since, 'chat.postMessage', 'auto');
  assert.ok(first, 'the alert was posted');
  assert.equal(more.length, 0, 'posted once');
  assert.match(
    text(first),
    /Checking with its replicas before an automatic failover \(up to 30 s\); this alert is updated with the outcome/,
  );
  assert.doesNotMatch(text(first), /Fail over to/, 'no button while dbops decides');
  assert.ok(
    alertCalls(since, 'chat.update', 'auto').some((c) => /Automatic failover started/.test(text(c))),
    'the same message, edited with the outcome',
  );

  await waitUntil(
    async () => ['succeeded', 'failed', 'cancelled'].includes((await ticketOf(reader.store, ref)).state),
    60_000,
    `${ref} to end`,
  );
  const ticket = await ticketOf(reader.store, ref);
  assert.ok(ticket.slack.threadChannel && ticket.slack.threadTs, 'posted with a thread');
  const thread = h.api.replies(ticket.slack.threadChannel, ticket.slack.threadTs).map(text).join('\n');
  assert.equal(ticket.state, 'succeeded', thread);
  assert.equal(ticket.requester, 'dbops');
  assert.deepEqual(ticket.approvals, [], 'no DBA approval: dbops’ own');
  const steps = thread.match(/✓ [^"\\]+? — \d+\.\d\d s/g) ?? [];
  const total = /approval → verified write (\d+\.\d\d) s/.exec(thread);
  assert.ok(total, thread);
  console.log(
    `measured: auto failover declared → ticket succeeded ${Date.now() - declaredAt} ms; approval → verified write ${total[1]} s\n  ${steps.join('\n  ')}`,
  );
  for (const step of [
    /pre-checks — /,
    /replicas applied what they received — /,
    /127\.0\.0\.1:3383 promoted: replication stopped, writable — /,
    /replicas follow 127\.0\.0\.1:3383 \(127\.0\.0\.1:3382\) — /,
    /verified: a heartbeat written on 127\.0\.0\.1:3383, read back on 127\.0\.0\.1:3382 — /,
    /new topology recorded — /,
  ])
    assert.match(thread, step);

  assert.equal(
    Number(((await set.sql('replica2', 'SELECT @@global.read_only AS ro')) as RowDataPacket[])[0]?.ro),
    0,
    '3383 is writable',
  );
  assert.equal(await slaveStatus('replica2'), undefined);
  const s1 = await slaveStatus('replica');
  assert.equal(`${s1?.Master_Host}:${s1?.Master_Port}`, R2, '3382 replicates from the new primary');
  assert.equal(s1?.Slave_SQL_Running, 'Yes');

  // The next observation reaches the new primary: the alert ends, saying why.
  assert.equal((await detector().observe('auto')).status, 'up');
  assert.deepEqual(await primaryDown('auto'), [], 'resolved');
  const after = alertMessage('auto');
  assert.ok(after);
  assert.match(text(after), /all clear/);
  assert.match(
    text(after),
    new RegExp(
      `resolved .* — ${R2.replace(/\./g, '\\.')} is the primary now \\(failover\\); rebuild ${P.replace(/\./g, '\\.')}`,
    ),
  );
  assert.ok(
    h.api.replies(ALERTS, after.ts).some((r) => /is the primary now \(failover\)/.test(text(r))),
    'the thread says so',
  );

  // The new primary dies too, within ha.auto_failover_pause_minutes: no second automatic failover,
  // the alert offers the DBA's button instead. (observer-b follows the recorded topology, as a worker does.)
  const meta = mysql.createPool({ host: '127.0.0.1', user: 'root', database: h.metaDatabase, connectionLimit: 1 });
  const [applied] = applyTopology(otherConfig.clusters, await new TopologyStore(meta).all());
  await meta.end();
  assert.deepEqual(applied, { cluster: 'auto', applied: true });
  await set.kill('replica2');
  assert.equal((await other.observe('auto')).status, 'suspect');
  const again = await detector().observe('auto');
  assert.ok(again.status === 'down' && again.declaredHere, 'declared here');
  const [second] = await primaryDown('auto');
  assert.ok(second, 'one alert');
  assert.equal(second.instance, R2);
  assert.match(
    second.summary,
    /Automatic failover did not start: a failover already moved its primary 0 min ago \(ha\.auto_failover_pause_minutes: 60\): a DBA decides this one\. Proposed new primary: 127\.0\.0\.1:3382/,
  );
  assert.match(text(alertMessage('auto') ?? {}), /Fail over to 127\.0\.0\.1:3382/);
  assert.equal(R1, `127.0.0.1:${PORT + 1}`);
});

it('without auto_failover: the alert proposes, nothing is started, and it resolves when the primary answers again', async () => {
  const since = h.api.calls.length;
  assert.equal((await detector().observe('flap')).status, 'up');
  await relay.cut();
  assert.equal((await other.observe('flap')).status, 'suspect');
  const verdict = await detector().observe('flap');
  assert.ok(verdict.status === 'down' && verdict.declaredHere, 'declared here');
  const [alert] = await primaryDown('flap');
  assert.ok(alert, 'one alert');
  assert.doesNotMatch(alert.summary, /Automatic failover/);
  assert.match(alert.summary, /No replica can be promoted: the cluster has no replica to promote/);
  assert.ok(
    !h.api.calls.slice(since).some((c) => /Failover of flap/.test(JSON.stringify(c.params))),
    'no failover ticket',
  );

  await relay.restore();
  assert.equal((await other.observe('flap')).status, 'up');
  assert.equal((await detector().observe('flap')).status, 'up');
  assert.deepEqual(await primaryDown('flap'), [], 'resolved');
  const message = alertMessage('flap');
  assert.ok(message);
  assert.match(text(message), new RegExp(`resolved .* — 127\\.0\\.0\\.1:${relay.port} answers again`));
});

interface Relay {
  port: number;
  /** Refuse connections and drop the open ones: the primary is unreachable. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** A TCP relay to a local server, on a port of its own, that the test can cut and restore. */
async function startRelay(target: number): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const port = await listen(0);
  return { port, cut: stop, restore: async () => void (await listen(port)), close: stop };
}
