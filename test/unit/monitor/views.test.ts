import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '../../../src/monitor/alert-store.js';
import { ids } from '../../../src/slack/ids.js';
import { alertGroupMessage, parseAlertRef } from '../../../src/slack/views/alert-group.js';
import { alertListMessage } from '../../../src/slack/views/alert-list.js';
import { clusterListMessage } from '../../../src/slack/views/cluster-list.js';

const now = new Date('2026-01-01T12:10:00Z');
const fired = new Date('2026-01-01T12:00:00Z');
let nextId = 1;
const alert = (extra: Partial<Alert> = {}): Alert => ({
  id: nextId++,
  fingerprint: `prod|db2:3306|replication|${nextId}`,
  cluster: 'prod',
  instance: 'db2:3306',
  checkId: 'replication',
  subject: '',
  kind: 'poll',
  state: 'firing',
  severity: 'critical',
  summary: 'SQL thread stopped (source db1:3306)',
  valueText: 'IO Yes, SQL No',
  thresholdText: 'IO and SQL threads running',
  details: null,
  occurrences: 1,
  hits: 2,
  misses: 0,
  firstSeenAt: fired,
  lastSeenAt: now,
  firedAt: fired,
  resolvedAt: null,
  resolvedBy: null,
  announced: 'firing',
  dirty: 0,
  notifiedAt: fired,
  ackedBy: null,
  ackedAt: null,
  groupId: 1,
  ...extra,
});
const json = (v: unknown) => JSON.stringify(v);

describe('alert views', () => {
  it('the group message shows severity, cluster, instance, value, threshold and since when, with the three buttons', () => {
    const a = alert();
    const message = alertGroupMessage({
      cluster: 'prod',
      env: 'prod',
      timezone: 'UTC',
      alerts: [a],
      silences: new Map(),
      closed: false,
      now,
    });
    const text = json(message.blocks);
    for (const part of [
      'prod (prod): 1 alert firing',
      'CRITICAL · Replication stopped',
      '`db2:3306`',
      'IO Yes, SQL No',
      'IO and SQL threads running',
      '*Since* 12:00 UTC (10 min)',
    ])
      assert.ok(text.includes(part), part);
    for (const action of [ids.alertActions.acknowledge, ids.alertActions.silenceHour, ids.alertActions.silenceDay])
      assert.ok(text.includes(action), action);
    assert.equal(parseAlertRef(`alert-${a.id}`), a.id);
    assert.match(message.text, /prod: critical — Replication stopped on db2:3306/);
  });

  it('an instance that is down holds its other alerts; acknowledged ones lose the Acknowledge button', () => {
    const down = alert({ checkId: 'down', summary: 'unreachable: connection refused', valueText: 'unreachable' });
    const held = alert({ ackedBy: 'U0DBA00001', ackedAt: now });
    const text = json(
      alertGroupMessage({
        cluster: 'prod',
        env: 'prod',
        timezone: 'UTC',
        alerts: [down, held],
        silences: new Map(),
        closed: false,
        now,
      }).blocks,
    );
    assert.match(text, /Held while the instance is down/);
    assert.match(text, /Acknowledged by <@U0DBA00001>/);
    assert.equal(
      text.split(ids.alertActions.acknowledge).length - 1,
      1,
      'only the unacknowledged alert has Acknowledge',
    );
  });

  it('a closed group says all clear, lists what resolved, and has no buttons', () => {
    const resolved = alert({ state: 'resolved', resolvedAt: new Date('2026-01-01T12:04:00Z') });
    const message = alertGroupMessage({
      cluster: 'prod',
      env: 'prod',
      timezone: 'UTC',
      alerts: [resolved],
      silences: new Map(),
      closed: true,
      now,
    });
    const text = json(message.blocks);
    assert.match(text, /prod \(prod\): all clear/);
    assert.match(text, /resolved 12:04 UTC after 4 min/);
    assert.ok(!text.includes('"actions"'));
  });

  it('never goes over 50 blocks, however many alerts fire', () => {
    const many = Array.from({ length: 40 }, () => alert({ ackedBy: 'U1', ackedAt: now }));
    const message = alertGroupMessage({
      cluster: 'prod',
      env: 'prod',
      timezone: 'UTC',
      alerts: many,
      silences: new Map(),
      closed: false,
      now,
    });
    assert.ok(message.blocks.length <= 50, String(message.blocks.length));
    assert.match(json(message.blocks), /and 26 more firing/);
  });

  it('/dbops alerts lists firing alerts per cluster, or says none fire', () => {
    const list = alertListMessage({
      firing: [alert(), alert({ cluster: 'stage', severity: 'warning', checkId: 'replica-lag', valueText: '45 s' })],
      silences: new Map(),
      pending: 1,
      zoneOf: () => 'UTC',
      now,
    });
    const text = json(list.blocks);
    assert.match(text, /2 alerts firing/);
    assert.match(text, /\*prod\*/);
    assert.match(text, /\*stage\*.*Replica lag.*45 s/);
    assert.match(text, /1 condition seen but not yet long enough to fire/);
    assert.match(
      alertListMessage({ firing: [], silences: new Map(), pending: 0, zoneOf: () => 'UTC', now }).text,
      /No alerts are firing/,
    );
  });

  it('/dbops clusters shows each instance, its real role and every difference from the config', () => {
    const message = clusterListMessage(
      [
        {
          name: 'prod',
          env: 'prod',
          timezone: 'UTC',
          instances: [
            {
              name: 'db1:3306',
              configuredAs: 'primary',
              reachable: true,
              actualRole: 'primary',
              differences: [],
              facts: {
                version: '10.11.6-MariaDB',
                flavor: 'mariadb',
                readOnly: false,
                replication: null,
                replicationReadable: true,
                latencyMs: 1,
              },
            },
            {
              name: 'db2:3306',
              configuredAs: 'replica',
              reachable: true,
              actualRole: 'primary',
              differences: [
                { severity: 'critical', text: 'configured as replica but replicates from nobody (no replica status)' },
              ],
              facts: {
                version: '10.11.6-MariaDB',
                flavor: 'mariadb',
                readOnly: false,
                replication: null,
                replicationReadable: true,
                latencyMs: 1,
              },
            },
            {
              name: 'db3:3306',
              configuredAs: 'replica',
              reachable: false,
              problem: 'unreachable: connection refused at db3:3306',
              differences: [],
            },
          ],
        },
      ],
      new Map([['prod', 2]]),
    );
    const text = json(message.blocks);
    assert.match(text, /\*prod\* · prod · UTC · :rotating_light: 2 alerts firing/);
    assert.match(text, /primary `db1:3306` — 10\.11\.6-MariaDB · read_only=OFF · not replicating · really: primary/);
    assert.match(text, /replicates from nobody/);
    assert.match(text, /:red_circle: replica `db3:3306` — unreachable: connection refused/);
    assert.match(text, /1 instance unreachable · 1 instance not in the role/);
  });
});
