import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import net from 'node:net';
import type { RowDataPacket } from 'mysql2/promise';
import { parseConfig } from '../../src/config/load.js';
import { haSettings } from '../../src/config/schema.js';
import type { FailureDetector } from '../../src/ha/failure-detector.js';
import { runSwitchover } from '../../src/ha/switchover.js';
import { escapeRegex } from '../../src/review/ast-dml.js';
import { startSecondObserver } from '../support/second-observer.js';
import { startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { startReplicaSet, type ReplicaNode, type ReplicaSet } from '../support/replica-set.js';
import { FAST_RUNNER } from '../support/runner-fixture.js';
import { openTicketReader, ticketOf } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

// Split brain: a private primary (3431) and two GTID replicas (3432 dc2, 3433 dc1) with
// `ha.auto_failover`, replica set `ha2-auto`. Everyone — dbops and the replicas — reaches the primary
// through one TCP relay, so the primary has one name (127.0.0.1:<relay>) for all. The relay can refuse
// new connections while keeping the open ones: dbops (a new connection each probe) loses the primary,
// the replicas' IO threads (connected before) still replicate from it. slave_net_timeout 2 s on every
// node: a heartbeat every second.
const PORT = 3431;
const ALERTS = 'C0DBALERTS';
const NODES: ReplicaNode[] = ['replica', 'replica2'];
let set: ReplicaSet;
let h: Harness;
let reader: Awaited<ReturnType<typeof openTicketReader>>;
let relay: Relay;
let observerB: Awaited<ReturnType<typeof startSecondObserver>> | undefined;
let other: FailureDetector;
let primary: string;

const config = (relayPort: number) =>
  testConfigYaml(`  split:
    env: prod
    primary: { host: 127.0.0.1, port: ${relayPort}, site: dc1 }
    replicas: [{ host: 127.0.0.1, port: ${PORT + 1}, site: dc2 }, { host: 127.0.0.1, port: ${PORT + 2}, site: dc1 }]
    user: root
    ha: { auto_failover: true, replica_check_seconds: 20, replication_user: dbops_repl, replication_password_env: DBOPS_HA2_AUTO_REPL }
${FAST_RUNNER}`);

before(async () => {
  process.env.DBOPS_HA2_AUTO_REPL = 'dbops_repl_local_only';
  set = await startReplicaSet('ha2-auto', PORT, { replicas: 2, fresh: true, slaveNetTimeout: 2 });
  relay = await startRelay(PORT);
  primary = `127.0.0.1:${relay.port}`;
  // The replicas replicate through the relay: the primary's name is the same for them as for dbops.
  for (const node of NODES) {
    await set.sql(node, 'STOP SLAVE');
    await set.sql(node, 'CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?', ['127.0.0.1', relay.port]);
    await set.sql(node, 'START SLAVE');
  }
  await waitUntil(
    async () => {
      for (const node of NODES) if ((await set.slaveStatus(node))?.Slave_IO_Running !== 'Yes') return false;
      return true;
    },
    30_000,
    'the replicas to replicate through the relay',
  );
  for (const node of NODES) {
    const [s] = (await set.sql(node, 'SHOW ALL SLAVES STATUS')) as RowDataPacket[];
    assert.equal(`${s?.Master_Host}:${s?.Master_Port}`, primary);
    assert.equal(Number(s?.Slave_heartbeat_period), 1, 'slave_net_timeout 2 s: a heartbeat every second');
  }
  const yaml = config(relay.port);
  h = await startHarness({ workers: true, monitors: true, configYaml: yaml });
  reader = await openTicketReader(h);
  observerB = await startSecondObserver(h, parseConfig(yaml));
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
    delete process.env.DBOPS_HA2_AUTO_REPL;
  }
});

const text = (m: { text?: string; blocks?: unknown[] }) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
const detector = () => {
  const failures = h.runtime.monitoring?.failures;
  assert.ok(failures, 'the harness runs failure detection');
  return failures;
};
const primaryDown = async () =>
  ((await h.runtime.monitoring?.alerts.firing('split')) ?? []).filter((a) => a.checkId === 'primary-down');
/** dbops' posts or edits in the alert channel about the cluster since call `since`, oldest first. */
const alertCalls = (since: number, method: 'chat.postMessage' | 'chat.update') =>
  h.api.calls
    .slice(since)
    .filter(
      (c) =>
        c.method === method &&
        !c.fault &&
        c.params.channel === ALERTS &&
        text(c.params as { text?: string }).includes('split (prod)'),
    );
const alertMessage = () => [...h.api.messages(ALERTS)].reverse().find((m) => text(m).includes('split (prod)'));

it("dbops cannot reach the primary but its replicas still replicate from it: no automatic failover, the alert says why and offers the DBA's button", async () => {
  const since = h.api.calls.length;
  assert.equal((await detector().observe('split')).status, 'up');
  relay.refuseNew();
  assert.equal((await other.observe('split')).status, 'suspect', 'one observer is not enough');
  const declaring = Date.now();
  const verdict = await detector().observe('split');
  assert.ok(verdict.status === 'down' && verdict.declaredHere, 'declared here');
  const declared = Date.now();

  // DBAs heard of it at once, before the replicas were asked; the same message then got the outcome.
  const [first, ...more] = alertCalls(since, 'chat.postMessage');
  assert.ok(first, 'the alert was posted');
  assert.equal(more.length, 0, 'posted once');
  const interim = text(first.params as { text?: string });
  assert.match(
    interim,
    /Checking with its replicas before an automatic failover \(up to 20 s\); this alert is updated with the outcome/,
  );
  assert.doesNotMatch(interim, /Fail over to/, 'no button while dbops decides');
  const outcome = alertCalls(since, 'chat.update').find((c) =>
    /Automatic failover did not start/.test(text(c.params as { text?: string })),
  );
  assert.ok(outcome, 'the same message, edited with the outcome');
  console.log(
    `measured: declaration → interim alert posted ${first.at.getTime() - declaring} ms; → outcome shown (replicas asked) ${outcome.at.getTime() - declaring} ms; observe returned ${declared - declaring} ms`,
  );

  const [alert] = await primaryDown();
  assert.ok(alert, 'one alert');
  const P = escapeRegex(primary);
  assert.match(
    alert.summary,
    new RegExp(
      `Automatic failover did not start: dbops cannot reach ${P} but its replicas still replicate from it \\(.*still receives from ${P}.*\\) — not failing over automatically \\(network between dbops and ${P}\\?\\)\\. Proposed new primary: 127\\.0\\.0\\.1:3433`,
    ),
  );
  assert.match(text(alertMessage() ?? {}), /Fail over to 127\.0\.0\.1:3433/, "the DBA's button");
  assert.doesNotMatch(
    text(alertMessage() ?? {}),
    /Checking with its replicas/,
    'the outcome replaced the interim text',
  );
  assert.ok(
    !h.api.calls.slice(since).some((c) => /Failover of split/.test(JSON.stringify(c.params))),
    'no failover ticket',
  );
  for (const node of NODES) {
    const s = await set.slaveStatus(node);
    assert.equal(s?.Slave_IO_Running, 'Yes', `${node} still replicates`);
    assert.equal(`${s?.Master_Host}:${s?.Master_Port}`, primary, `${node} still replicates from the primary`);
  }
  assert.equal(
    Number(((await set.sql('primary', 'SELECT @@global.read_only AS ro')) as RowDataPacket[])[0]?.ro),
    0,
    'the primary still takes writes: nothing was changed',
  );

  // The network heals: the alert ends.
  relay.restore();
  assert.equal((await other.observe('split')).status, 'up');
  assert.equal((await detector().observe('split')).status, 'up');
  assert.deepEqual(await primaryDown(), [], 'resolved');
  assert.match(text(alertMessage() ?? {}), new RegExp(`resolved .* — ${P} answers again`));
});

it('the primary goes silent for everyone (a hung host): dbops asks the replicas again until they lose it too, then fails over by itself, saying the old primary was not fenced', async () => {
  // Nothing is closed: every open connection stops carrying data, new ones hang. The replicas' IO
  // threads notice only by silence (slave_net_timeout 2 s), unlike a killed primary's dropped connection.
  const since = h.api.calls.length;
  relay.freeze();
  assert.equal((await other.observe('split')).status, 'suspect');
  const declaring = Date.now();
  const verdict = await detector().observe('split');
  assert.ok(verdict.status === 'down' && verdict.declaredHere, 'declared here');
  const [interim] = alertCalls(since, 'chat.postMessage');
  assert.ok(interim, 'the alert was posted before the replicas were asked');
  assert.match(text(interim.params as { text?: string }), /Checking with its replicas before an automatic failover/);
  const started = alertCalls(since, 'chat.update').find((c) =>
    /Automatic failover started/.test(text(c.params as { text?: string })),
  );
  assert.ok(started, 'the same message, edited with the outcome');
  console.log(
    `measured: declaration → interim alert posted ${interim.at.getTime() - declaring} ms; → automatic failover started shown (replicas re-asked) ${started.at.getTime() - declaring} ms`,
  );
  const [alert] = await primaryDown();
  assert.ok(alert, 'one alert');
  const match = /Automatic failover started \(ha\.auto_failover\): (T-\d+) promotes 127\.0\.0\.1:3433/.exec(
    alert.summary,
  );
  assert.ok(match, alert.summary);
  const ref = match[1];
  await waitUntil(
    async () => ['succeeded', 'failed', 'cancelled'].includes((await ticketOf(reader.store, ref)).state),
    60_000,
    `${ref} to end`,
  );
  const ticket = await ticketOf(reader.store, ref);
  assert.ok(ticket.slack.threadChannel && ticket.slack.threadTs, 'posted with a thread');
  const thread = h.api.replies(ticket.slack.threadChannel, ticket.slack.threadTs).map(text).join('\n');
  assert.equal(ticket.state, 'succeeded', thread);
  console.log(
    `measured: declaration → ticket succeeded ${Date.now() - declaring} ms\n  ${(thread.match(/✓ [^"\\]+? — \d+\.\d\d s|⏱[^"\\]+/g) ?? []).join('\n  ')}`,
  );
  assert.match(
    thread,
    new RegExp(
      `${escapeRegex(primary)} was not fenced: dbops cannot reach it .*rebuild it as a replica of 127\\.0\\.0\\.1:3433`,
    ),
  );
  assert.match(thread, /127\.0\.0\.1:3433 promoted: replication stopped, writable — /);
  assert.match(thread, /is down, not fenced, and recorded as a replica: rebuild it before it rejoins/);
  const s1 = await set.slaveStatus('replica');
  assert.equal(`${s1?.Master_Host}:${s1?.Master_Port}`, '127.0.0.1:3433', '3432 replicates from the new primary');
});

it('a failover fences an old primary that answers again: set read-only before the candidate is promoted', async () => {
  // Now 3433 is the primary and 3432 its replica. A second relay to 3433 refuses its first connection
  // (the job's pre-checks find the primary down) and lets the next through: it came back in between.
  const back = await startRelay(PORT + 2);
  try {
    await set.sql('replica', 'STOP SLAVE');
    await set.sql('replica', 'CHANGE MASTER TO MASTER_HOST = ?, MASTER_PORT = ?', ['127.0.0.1', back.port]);
    await set.sql('replica', 'START SLAVE');
    await waitUntil(async () => (await set.slaveStatus('replica'))?.Slave_IO_Running === 'Yes', 30_000, 'replicating');
    const cluster = parseConfig(
      testConfigYaml(`  fence:
    env: prod
    primary: { host: 127.0.0.1, port: ${back.port} }
    replicas: [{ host: 127.0.0.1, port: ${PORT + 1} }]
    user: root
    ha: { replication_user: dbops_repl, replication_password_env: DBOPS_HA2_AUTO_REPL }
`),
    ).clusters.fence;
    assert.ok(cluster);
    const milestones: string[] = [];
    back.refuseNext(1);
    const outcome = await runSwitchover({
      mode: 'failover',
      clusterName: 'fence',
      cluster,
      candidate: `127.0.0.1:${PORT + 1}`,
      settings: haSettings(cluster),
      secrets: process.env,
      installation: h.redisPrefix,
      ticketRef: 'T-0',
      report: {
        milestone: async (t) => void milestones.push(t),
        progress: async () => undefined,
        log: async () => undefined,
      },
      signal: new AbortController().signal,
      record: async () => undefined,
    });
    const thread = milestones.join('\n');
    assert.equal(outcome.oldPrimaryFenced, true, thread);
    assert.match(
      thread,
      new RegExp(
        `🔒 127\\.0\\.0\\.1:${back.port} answered again: set read-only \\(read_only=ON\\) before 127\\.0\\.0\\.1:${PORT + 1} is promoted`,
      ),
    );
    assert.ok(
      thread.indexOf('answered again') < thread.indexOf('promoted: replication stopped'),
      'fenced before the promotion',
    );
    const readOnly = async (node: ReplicaNode) =>
      Number(((await set.sql(node, 'SELECT @@global.read_only AS ro')) as RowDataPacket[])[0]?.ro);
    assert.equal(await readOnly('replica2'), 1, 'the old primary is read-only');
    assert.equal(await readOnly('replica'), 0, 'the new primary is writable');
  } finally {
    await back.close();
  }
});

interface Relay {
  port: number;
  /** Stop carrying data on every connection and hang new ones (nothing is closed): a hung host. */
  freeze(): void;
  /** Refuse the next `n` connections, then let them through again. */
  refuseNext(n: number): void;
  /** Refuse new connections, keep the open ones: dbops loses the primary, the replicas' IO threads do not. */
  refuseNew(): void;
  restore(): void;
  close(): Promise<void>;
}

/** A TCP relay to a local server, on a port of its own. */
async function startRelay(target: number): Promise<Relay> {
  const sockets = new Set<net.Socket>();
  let refusing = false;
  let refuseCount = 0;
  let frozen = false;
  const pairs = new Set<[net.Socket, net.Socket]>();
  const server = net.createServer((client) => {
    if (refusing) return void client.destroy();
    if (refuseCount > 0) {
      refuseCount -= 1;
      return void client.destroy();
    }
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (frozen) return void client.pause();
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => undefined);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    client.on('close', () => pairs.delete(pair));
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    port,
    freeze: () => {
      frozen = true;
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    refuseNext: (n) => {
      refuseCount = n;
    },
    refuseNew: () => {
      refusing = true;
    },
    restore: () => {
      refusing = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
