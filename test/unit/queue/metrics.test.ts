import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countingSlackFetch, Metrics } from '../../../src/metrics.js';

describe('metrics in the Prometheus text format', () => {
  it('renders counters, gauges and histograms with escaped labels', async () => {
    const m = new Metrics();
    m.jobs.inc({ kind: 'execute-sql', outcome: 'succeeded' });
    m.jobs.inc({ kind: 'execute-sql', outcome: 'succeeded' });
    m.queueJobs.set({ queue: 'dbops-tickets', state: 'waiting' }, 3);
    m.jobDuration.observe({ kind: 'migrate', outcome: 'failed' }, 42);
    m.slackErrors.inc({ method: 'chat.update', error: 'say "hi"\\now' });
    const text = await m.render();
    assert.match(
      text,
      /^# HELP dbops_jobs_total .+\n# TYPE dbops_jobs_total counter\ndbops_jobs_total\{kind="execute-sql",outcome="succeeded"\} 2$/m,
    );
    assert.match(text, /^dbops_queue_jobs\{queue="dbops-tickets",state="waiting"\} 3$/m);
    assert.match(text, /^dbops_job_duration_seconds_bucket\{kind="migrate",outcome="failed",le="15"\} 0$/m);
    assert.match(text, /^dbops_job_duration_seconds_bucket\{kind="migrate",outcome="failed",le="60"\} 1$/m);
    assert.match(text, /^dbops_job_duration_seconds_bucket\{kind="migrate",outcome="failed",le="\+Inf"\} 1$/m);
    assert.match(text, /^dbops_job_duration_seconds_sum\{kind="migrate",outcome="failed"\} 42$/m);
    assert.match(text, /^dbops_slack_api_errors_total\{method="chat.update",error="say \\"hi\\"\\\\now"\} 1$/m);
    assert.ok(text.endsWith('\n'));
  });

  it('reads collected values (queue depths) at scrape time', async () => {
    const m = new Metrics();
    let depth = 1;
    m.addCollector(async () => m.queueJobs.set({ queue: 'q', state: 'active' }, depth));
    assert.match(await m.render(), /dbops_queue_jobs\{queue="q",state="active"\} 1/);
    depth = 7;
    assert.match(await m.render(), /dbops_queue_jobs\{queue="q",state="active"\} 7/);
  });

  it('counts failed Slack calls by method and error: ok:false answers, 429s and HTTP errors', async () => {
    const m = new Metrics();
    const answers = [
      new Response(JSON.stringify({ ok: false, error: 'channel_not_found' }), {
        headers: { 'content-type': 'application/json' },
      }),
      new Response('', { status: 429, headers: { 'retry-after': '1' } }),
      new Response('oops', { status: 503 }),
      new Response(JSON.stringify({ ok: true }), { headers: { 'content-type': 'application/json' } }),
    ];
    const fetch = countingSlackFetch(m, async () => answers.shift() ?? new Response(''));
    for (let i = 0; i < 4; i++) await fetch('https://slack.com/api/chat.postMessage', { method: 'POST' });
    assert.equal(m.slackErrors.get({ method: 'chat.postMessage', error: 'channel_not_found' }), 1);
    assert.equal(m.slackErrors.get({ method: 'chat.postMessage', error: 'ratelimited' }), 1);
    assert.equal(m.slackErrors.get({ method: 'chat.postMessage', error: 'http_503' }), 1);
    const failing = countingSlackFetch(m, async () => {
      throw new Error('ECONNREFUSED');
    });
    await assert.rejects(failing('https://slack.com/api/chat.update'));
    assert.equal(m.slackErrors.get({ method: 'chat.update', error: 'network' }), 1);
  });
});
