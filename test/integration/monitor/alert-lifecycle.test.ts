import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { WebClient } from '@slack/web-api';
import { silentLogger } from '../../../src/kernel/logger.js';
import { createAlertService } from '../../../src/monitor/alert-service.js';
import { createAlertAnnouncer } from '../../../src/slack/alert-announcer.js';
import { ticketFailedAlert, ticketFailedKey } from '../../../src/queue/ticket-alerts.js';
import type { Condition } from '../../../src/monitor/types.js';
import { Notifier } from '../../../src/slack/notifier.js';
import { ALERTS, monitorFixture, type MonitorFixture } from './fixture.js';

// The lifecycle over the meta database and the local Slack API, fed with conditions as polls would
// report them (the monitors that produce them are tested against real servers in checks.test.ts).
let f: MonitorFixture;
before(async () => {
  f = await monitorFixture(`
clusters:
  prod: { env: prod, primary: { host: 10.0.0.1, port: 3306 }, replicas: [{ host: 10.0.0.2, port: 3306 }], user: dbops, timezone: Asia/Shanghai }
  stage: { env: staging, primary: { host: 10.0.1.1, port: 3306 }, user: dbops }
monitors: { renotify_minutes: 30 }
`);
});
after(() => f.close());
beforeEach(async () => {
  await f.meta.query('DELETE FROM alerts');
  await f.meta.query('DELETE FROM alert_groups');
  await f.meta.query('DELETE FROM alert_silences');
  f.api.reset();
});

const DB2 = { cluster: 'prod', instance: '10.0.0.2:3306' };
const ALL = ['down', 'replication', 'replica-lag', 'threads-running'];
const lag = (seconds: number, severity: 'warning' | 'critical' = 'warning'): Condition => ({
  checkId: 'replica-lag',
  subject: '',
  severity,
  summary: `${seconds} s behind`,
  value: `${seconds} s`,
  threshold: 'warning ≥ 30 s',
});
const stopped: Condition = {
  checkId: 'replication',
  subject: '',
  severity: 'critical',
  summary: 'SQL thread stopped',
  value: 'IO Yes, SQL No',
  threshold: 'both running',
};
const poll = (conditions: Condition[], scope = DB2) => f.alerts.recordPoll(scope, ALL, conditions);
const text = (m: { blocks?: unknown[]; text?: string }) => `${m.text ?? ''} ${JSON.stringify(m.blocks ?? [])}`;
const minutes = (n: number) => n * 60_000;

describe('alert lifecycle in the alert channel', () => {
  it('fires after two polls as one message, edits it as the value changes, and resolves with an all-clear', async () => {
    await poll([lag(45)]);
    assert.equal(f.posts().length, 0, 'pending after one poll');
    await poll([lag(45)]);
    const [post] = f.posts();
    assert.ok(post, 'fired after two');
    assert.match(text(post), /Replica lag/);
    assert.match(text(post), /45 s/);
    assert.match(text(post), /Asia\/Shanghai/);

    await poll([lag(200)]);
    f.clock.advance(minutes(2));
    await f.alerts.sweep();
    assert.match(
      text(f.api.message(ALERTS, post.ts) ?? {}),
      /200 s/,
      'the value shown follows (at most one edit a minute)',
    );
    await poll([lag(400, 'critical')]);
    assert.match(text(f.api.message(ALERTS, post.ts) ?? {}), /CRITICAL/, 'a severity change shows at once');
    assert.ok(
      f.replies(post).some((r) => /Now critical/.test(text(r))),
      'and is said in the thread',
    );

    await poll([]);
    assert.equal((await f.alerts.firing()).length, 1, 'one clear poll is not enough');
    await poll([]);
    assert.equal((await f.alerts.firing()).length, 0);
    assert.match(text(f.api.message(ALERTS, post.ts) ?? {}), /all clear/);
    const allClear = f.replies(post).find((r) => /all clear/.test(text(r)));
    assert.ok(allClear, 'a resolved message');
    assert.equal(
      String(
        f.api
          .callsTo('chat.postMessage')
          .find((c) => c.params.ts === undefined && /all clear/.test(String(c.params.text)))?.params.reply_broadcast,
      ),
      'true',
      'shown in the channel too',
    );
    assert.equal(f.posts().length, 1, 'still one top-level message');
  });

  it('groups alerts per cluster: a second alert joins the open message, another cluster gets its own', async () => {
    for (let i = 0; i < 2; i++) await poll([stopped]);
    for (let i = 0; i < 2; i++)
      await poll([{ ...lag(50), checkId: 'threads-running', summary: '60 threads running', value: '60' }], {
        cluster: 'prod',
        instance: '10.0.0.1:3306',
      });
    for (let i = 0; i < 2; i++) await poll([stopped], { cluster: 'stage', instance: '10.0.1.1:3306' });
    const posts = f.posts();
    assert.equal(posts.length, 2);
    const prod = posts.find((p) => /prod \(prod\)/.test(text(p)));
    assert.ok(prod);
    assert.match(text(f.api.message(ALERTS, prod.ts) ?? {}), /2 alerts firing/);
    assert.ok(f.replies(prod).some((r) => /New on prod/.test(text(r)) && /Threads running/.test(text(r))));
  });

  it('re-notifies unacknowledged alerts after renotify_minutes, never acknowledged or silenced ones', async () => {
    for (let i = 0; i < 2; i++) await poll([stopped]);
    for (let i = 0; i < 2; i++) await poll([lag(50)], { cluster: 'prod', instance: '10.0.0.1:3306' });
    const [post] = f.posts();
    const [replication, lagAlert] = await f.alerts
      .firing('prod')
      .then((a) => [a.find((x) => x.checkId === 'replication'), a.find((x) => x.checkId === 'replica-lag')]);
    assert.ok(replication && lagAlert);
    f.clock.advance(minutes(29));
    await f.alerts.sweep();
    assert.ok(!f.replies(post).some((r) => /Still firing/.test(text(r))), 'not before 30 minutes');
    f.clock.advance(minutes(2));
    await f.alerts.sweep();
    const first = f.replies(post).filter((r) => /Still firing/.test(text(r)));
    assert.equal(first.length, 1, 'one re-notification for the group');
    assert.match(text(first[0]), /Replication stopped/);
    assert.match(text(first[0]), /Replica lag/);

    assert.deepEqual(await f.alerts.acknowledge(replication.id, 'U0DBA00001').then((r) => r.ok), true);
    assert.equal((await f.alerts.acknowledge(replication.id, 'U0DBA00002')).ok, false, 'acknowledged once');
    const silenced = await f.alerts.silence(lagAlert.id, 'U0DBA00001', minutes(60));
    assert.ok(silenced.ok);
    assert.match(text(f.api.message(ALERTS, post.ts) ?? {}), /Acknowledged by <@U0DBA00001>/);
    assert.match(text(f.api.message(ALERTS, post.ts) ?? {}), /Silenced by <@U0DBA00001> until/);
    f.clock.advance(minutes(31));
    await f.alerts.sweep();
    assert.equal(
      f.replies(post).filter((r) => /Still firing/.test(text(r))).length,
      1,
      'nothing due: one acknowledged, one silenced',
    );
  });

  it('an alert that fires again while silenced is recorded without a post', async () => {
    for (let i = 0; i < 2; i++) await poll([stopped]);
    const [alert] = await f.alerts.firing();
    await f.alerts.silence(alert.id, 'U0DBA00001', minutes(60));
    for (let i = 0; i < 2; i++) await poll([]);
    const postsBefore = f.api.callsTo('chat.postMessage').length;
    for (let i = 0; i < 2; i++) await poll([stopped]);
    assert.equal((await f.alerts.firing()).length, 1, 'recorded');
    assert.equal(f.api.callsTo('chat.postMessage').length, postsBefore, 'not posted');
    f.clock.advance(minutes(61));
    await f.alerts.sweep();
    assert.equal(f.posts().length, 2, 'posted once the silence is over');
  });

  it('an announcement Slack refused is made later, once: a failure never repeats a post nor loses a resolve', async () => {
    f.api.failNext('chat.postMessage', { kind: 'error', error: 'internal_error' });
    await poll([stopped]);
    await assert.rejects(poll([stopped]));
    assert.equal(f.posts().length, 0);
    await f.alerts.sweep();
    assert.equal(f.posts().length, 1);
    await f.alerts.sweep();
    await poll([stopped]);
    assert.equal(f.posts().length, 1, 'not posted twice');
    f.api.failNext('chat.update', { kind: 'error', error: 'internal_error' });
    await poll([]);
    await assert.rejects(poll([]));
    await f.alerts.sweep();
    assert.match(text(f.api.message(ALERTS, f.posts()[0].ts) ?? {}), /all clear/, 'the resolve was not lost');
    assert.equal(f.replies(f.posts()[0]).filter((r) => /all clear/.test(text(r))).length, 1);
  });

  it('two workers seeing the same condition at once post it once', async () => {
    const other = createAlertService({
      meta: f.meta,
      installation: f.installation,
      sink: createAlertAnnouncer(
        new Notifier(new WebClient('xoxb-test', { slackApiUrl: f.api.url }), silentLogger()),
        f.config,
      ),
      config: f.config,
      logger: silentLogger(),
      clock: f.clock,
    });
    await Promise.all([poll([stopped]), other.recordPoll(DB2, ALL, [stopped])]);
    await Promise.all([poll([stopped]), other.recordPoll(DB2, ALL, [stopped])]);
    assert.equal(f.posts().length, 1);
    assert.equal((await f.alerts.firing()).length, 1);
  });

  it('a failed ticket job raises an alert at once; acknowledging it closes it, and a later success resolves it', async () => {
    const ticket = { id: 42, ref: 'T-42', cluster: 'prod', schema: 'shop', environment: 'prod' as const, attempt: 1 };
    const { id } = await f.alerts.raise(
      ticketFailedAlert(ticket, 'execute-sql', 'Lock wait timeout exceeded; try restarting transaction'),
    );
    const [post] = f.posts();
    assert.match(text(post), /CRITICAL · Ticket job failed\* \(T-42\)/);
    assert.match(text(post), /T-42 \(execute-sql on prod\.shop, attempt 1\) failed: Lock wait timeout exceeded/);
    await poll([]); // polls never resolve it
    assert.equal((await f.alerts.firing()).length, 1);
    assert.ok((await f.alerts.acknowledge(id, 'U0DBA00001')).ok);
    assert.equal((await f.alerts.firing()).length, 0);
    assert.ok(f.replies(post).some((r) => /closed by <@U0DBA00001>/.test(text(r))));

    await f.alerts.raise(ticketFailedAlert({ ...ticket, attempt: 2 }, 'execute-sql', 'again'));
    assert.equal((await f.alerts.firing()).length, 1);
    assert.equal(await f.alerts.resolve(ticketFailedKey(ticket)), true, 'attempt 3 succeeded');
    assert.equal((await f.alerts.firing()).length, 0);
  });

  it('a raised alert resolved with what ended it says so in the thread and on the message', async () => {
    await f.alerts.raise({
      cluster: 'prod',
      instance: '10.0.0.1:3306',
      checkId: 'primary-down',
      severity: 'critical',
      summary: '2 observers could not reach the primary',
    });
    const post = f.posts().at(-1);
    assert.ok(post);
    const key = { cluster: 'prod', instance: '10.0.0.1:3306', checkId: 'primary-down' };
    assert.equal(await f.alerts.resolve(key, null, '10.0.0.2:3306 is the primary now (failover)'), true);
    assert.equal(await f.alerts.resolve(key, null, 'again'), false, 'closed once');
    assert.ok(
      f
        .replies(post)
        .some((r) =>
          /Primary down\* on `10\.0\.0\.1:3306` resolved.* — 10\.0\.0\.2:3306 is the primary now \(failover\)/.test(
            text(r),
          ),
        ),
      f.replies(post).map(text).join('\n'),
    );
    assert.match(text(f.api.message(ALERTS, post.ts) ?? {}), /resolved .* — 10\.0\.0\.2:3306 is the primary now/);
  });
  it('a raised alert raised again with new text or details is edited at once; the same text is left alone', async () => {
    const down = {
      cluster: 'prod',
      instance: '10.0.0.1:3306',
      checkId: 'primary-down',
      severity: 'critical' as const,
      summary: '2 observers could not reach the primary. Checking with its replicas before an automatic failover',
      details: { candidate: null },
    };
    await f.alerts.raise(down);
    const post = f.posts().at(-1);
    assert.ok(post);
    assert.match(text(f.api.message(ALERTS, post.ts) ?? {}), /Checking with its replicas/);
    assert.doesNotMatch(text(f.api.message(ALERTS, post.ts) ?? {}), /Fail over to/);
    const edits = () => f.api.callsTo('chat.update').length;
    const before = edits();
    // Within the value-only render interval: an outcome is still shown now, with its button.
    await f.alerts.raise({
      ...down,
      summary:
        '2 observers could not reach the primary. Automatic failover did not start: the replicas still replicate',
      details: { candidate: '10.0.0.2:3306' },
    });
    assert.equal(f.posts().at(-1)?.ts, post.ts, 'the same message');
    const shown = text(f.api.message(ALERTS, post.ts) ?? {});
    assert.match(shown, /Automatic failover did not start: the replicas still replicate/);
    assert.doesNotMatch(shown, /Checking with its replicas/);
    assert.match(shown, /Fail over to 10\.0\.0\.2:3306/);
    assert.equal(edits(), before + 1);
    await f.alerts.raise({
      ...down,
      summary:
        '2 observers could not reach the primary. Automatic failover did not start: the replicas still replicate',
      details: { candidate: '10.0.0.2:3306' },
    });
    assert.equal(edits(), before + 1, 'nothing new to show');
  });
});
