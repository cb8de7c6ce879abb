import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import type { StoredMessage } from '../../src/dev/index.js';
import type { PollResult } from '../../src/monitor/poller.js';
import { ids } from '../../src/slack/ids.js';
import { DBA, DEV, startHarness, testConfigYaml, type Harness } from '../support/harness.js';
import { startReplicaSet, type ReplicaSet } from '../support/replica-set.js';
import { slash } from '../support/ticket-flow.js';

// A real primary (3307) and its replica (3308), started by scripts/replica.sh; the bot polls them when
// the test says so (no schedulers), through the runtime's own poller, alert service and Slack.
const PORT = 3307;
const PRIMARY = `127.0.0.1:${PORT}`;
const REPLICA = `127.0.0.1:${PORT + 1}`;
const ALERTS = 'C0DBALERTS';
const SCHEMA = 'mon_e2e';
let set: ReplicaSet;
let h: Harness;

before(async () => {
  set = await startReplicaSet('mon-e2e', PORT);
  await set.sql('primary', `DROP DATABASE IF EXISTS ${SCHEMA}`);
  await set.sql('primary', `CREATE DATABASE ${SCHEMA}`);
  await set.sql(
    'primary',
    `CREATE TABLE ${SCHEMA}.orders (id INT PRIMARY KEY, status INT NOT NULL, KEY idx_status (status)) ENGINE=InnoDB COMMENT 'orders'`,
  );
  await set.sql('primary', `INSERT INTO ${SCHEMA}.orders VALUES (1, 0), (2, 1)`);
  await waitForReplica((s) => s.Slave_SQL_Running === 'Yes' && s.Seconds_Behind_Master !== null);
  h = await startHarness({
    monitors: true,
    configYaml: testConfigYaml(`  mon:
    env: prod
    primary: { host: 127.0.0.1, port: ${PORT} }
    replicas: [{ host: 127.0.0.1, port: ${PORT + 1} }]
    user: root
monitors:
  fire_after_polls: 2
  resolve_after_polls: 2
`),
  });
});
after(async () => {
  await h?.stop();
  await set?.cleanup(); // the pair and its datadirs go: a suite leaves nothing behind
});

function poll(instance: string): Promise<PollResult> {
  const poller = h.runtime.monitoring?.poller;
  assert.ok(poller, 'the harness runs the monitor worker');
  return poller.poll('mon', instance);
}
const posts = () => h.api.messages(ALERTS).filter((m) => !m.ephemeral && (!m.thread_ts || m.thread_ts === m.ts));
const current = (m: StoredMessage) => h.api.message(m.channel, m.ts) ?? m;
const text = (m: { text?: string; blocks?: unknown[] }) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
const firingOn = async (instance: string) =>
  (await h.runtime.monitoring?.alerts.firing('mon'))?.filter((a) => a.instance === instance) ?? [];

type SlaveStatus = { Slave_SQL_Running: string; Slave_IO_Running: string; Seconds_Behind_Master: number | null };
async function waitForReplica(ready: (s: SlaveStatus) => boolean): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const rows = (await set.sql('replica', 'SHOW SLAVE STATUS')) as SlaveStatus[];
    if (rows[0] && ready(rows[0])) return;
    await sleep(100);
  }
  assert.fail('the replica did not reach the expected state');
}

it('/dbops clusters shows each instance with its version, reachability and real role; a writable replica is shown and alerted', async () => {
  const answer = await slash(h, 'clusters mon', DEV);
  const shown = String(JSON.stringify(answer.params.blocks));
  assert.match(
    shown,
    /primary `127\.0\.0\.1:3307` — 10\.11[^·]*MariaDB[^·]* · read_only=OFF · not replicating · really: primary/,
  );
  assert.match(
    shown,
    /replica `127\.0\.0\.1:3308` — [^·]* · read_only=ON · replica of 127\.0\.0\.1:3307 \(IO Yes, SQL Yes, lag \d+ s\) · really: replica/,
  );
  assert.match(shown, /Every instance is reachable and in the role dbops.yml gives it/);

  await set.sql('replica', 'SET GLOBAL read_only = OFF');
  try {
    assert.match(
      String(JSON.stringify((await slash(h, 'clusters', DEV)).params.blocks)),
      /replica is writable \(read_only=OFF\)/,
    );
    await poll(REPLICA);
    await poll(REPLICA);
    const [role] = await firingOn(REPLICA);
    assert.equal(role?.checkId, 'role');
    assert.match(text(posts()[0]), /Role differs from the config/);
  } finally {
    await set.sql('replica', 'SET GLOBAL read_only = ON');
  }
  await poll(REPLICA);
  await poll(REPLICA);
  assert.deepEqual(await firingOn(REPLICA), []);
  assert.match(text(current(posts()[0])), /all clear/);
});

it('/dbops meta shows the tables of a schema, and a table with its indexes and definition', async () => {
  const schema = String(JSON.stringify((await slash(h, `meta mon.${SCHEMA}`, DEV)).params.blocks));
  assert.match(schema, /1 table · data/);
  assert.match(schema, /orders +2 /);
  const table = String(JSON.stringify((await slash(h, `meta mon.${SCHEMA}.orders`, DEV)).params.blocks));
  assert.match(table, /`PRIMARY` \(id\)/);
  assert.match(table, /`idx_status` \(status\)/);
  assert.match(table, /CREATE TABLE `orders`/);
  assert.match(
    String((await slash(h, `meta mon.${SCHEMA}.ordrs`, DEV)).params.text),
    /table `ordrs` is not in mon\.mon_e2e — did you mean `orders`\?/,
  );
});

it('a stopped SQL thread fires a replication alert within two polls; a restart of the bot neither re-posts it nor loses its resolve', async () => {
  const before = posts().length;
  await set.sql('replica', 'STOP SLAVE SQL_THREAD');
  await waitForReplica((s) => s.Slave_SQL_Running === 'No');
  await poll(REPLICA);
  await poll(REPLICA);
  const [alert] = await firingOn(REPLICA);
  assert.equal(alert?.checkId, 'replication', 'fired by the second poll');
  assert.equal(alert.severity, 'critical');
  assert.equal(posts().length, before + 1);
  const message = posts().at(-1);
  assert.ok(message);
  assert.match(text(message), /Replication stopped/);
  assert.match(text(message), /SQL thread stopped \(source 127\.0\.0\.1:3307\)/);
  assert.match(text(message), /IO Yes, SQL No/);

  await h.restart();
  const postCalls = h.api.callsTo('chat.postMessage').length;
  await poll(REPLICA);
  await poll(REPLICA);
  assert.equal(
    h.api.callsTo('chat.postMessage').length,
    postCalls,
    'the new bot posts nothing: the alert is already announced',
  );

  await set.sql('replica', 'START SLAVE SQL_THREAD');
  await waitForReplica((s) => s.Slave_SQL_Running === 'Yes' && s.Seconds_Behind_Master !== null);
  await poll(REPLICA);
  await poll(REPLICA);
  assert.deepEqual(await firingOn(REPLICA), []);
  assert.match(text(current(message)), /all clear/, 'the message the old bot posted is edited');
  assert.ok(
    h.api.replies(ALERTS, message.ts).some((r) => /all clear/.test(text(r)) && /Replication stopped/.test(text(r))),
    'and the resolve is said',
  );
});

it('a killed replica gives one "down" alert and no other; only DBAs acknowledge it; it resolves when the replica is back', async () => {
  const before = posts().length;
  await set.killReplica();
  await poll(REPLICA);
  await poll(REPLICA);
  await poll(PRIMARY);
  await poll(REPLICA);
  const firing = await firingOn(REPLICA);
  assert.deepEqual(
    firing.map((a) => a.checkId),
    ['down'],
  );
  assert.match(firing[0].summary, /connection refused at 127\.0\.0\.1:3308/);
  assert.deepEqual(await firingOn(PRIMARY), [], 'nothing on the primary');
  assert.equal(posts().length, before + 1, 'one message');
  const message = posts().at(-1);
  assert.ok(message);
  assert.match(text(message), /Instance down/);
  assert.equal(h.api.replies(ALERTS, message.ts).length, 0, 'no other alert joined it');

  const listed = String(JSON.stringify((await slash(h, 'alerts', DEV)).params.blocks));
  assert.match(listed, /1 alert firing/);
  assert.match(listed, /Instance down.*127\.0\.0\.1:3308/);

  const click = (user: string) =>
    h.slack.blockAction({
      userId: user,
      actionId: ids.alertActions.acknowledge,
      value: `alert-${firing[0].id}`,
      channelId: ALERTS,
      messageTs: message.ts,
    });
  const ephemerals = h.api.callsTo('chat.postEphemeral').length;
  await click(DEV);
  await h.api.waitFor(
    'chat.postEphemeral',
    (c) => h.api.callsTo('chat.postEphemeral').indexOf(c) >= ephemerals && /Only DBAs/.test(String(c.params.text)),
    15_000,
  );
  assert.equal((await firingOn(REPLICA))[0].ackedBy, null);
  await click(DBA);
  await h.api.waitFor(
    'chat.update',
    (c) => c.params.ts === message.ts && /Acknowledged by/.test(JSON.stringify(c.params.blocks)),
    15_000,
  );
  assert.equal((await firingOn(REPLICA))[0].ackedBy, DBA);

  await set.start();
  await poll(REPLICA);
  await poll(REPLICA);
  assert.deepEqual(await firingOn(REPLICA), []);
  assert.match(text(current(message)), /all clear/);
  assert.equal(posts().length, before + 1, 'still one message for the whole episode');
});
