import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../src/kernel/logger.js';
import { refuseOffClockRequests, skewSeconds } from '../../../src/slack/request-clock.js';

const NOW = 1_800_000_000;

/** Runs one request through the check; says whether it reached the next listener, or the status it got. */
function send(url: string, timestamp: string | undefined): 'passed' | number {
  let outcome: 'passed' | number = 'passed';
  const listener = refuseOffClockRequests(() => undefined, {
    paths: ['/slack/events'],
    logger: silentLogger(),
    nowSeconds: () => NOW,
  });
  const req = { url, headers: timestamp === undefined ? {} : { 'x-slack-request-timestamp': timestamp } };
  const res = {
    writeHead: (status: number) => {
      outcome = status;
    },
    end: () => undefined,
  };
  listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
  return outcome;
}

describe('the request clock check in front of Bolt', () => {
  const cases: Array<[string, string | undefined, 'passed' | number]> = [
    ['now', String(NOW), 'passed'],
    ['exactly 5 minutes ahead', String(NOW + 300), 'passed'],
    ['exactly 5 minutes behind', String(NOW - 300), 'passed'],
    ['5 minutes and a second ahead', String(NOW + 301), 401],
    ['5 minutes and a second behind', String(NOW - 301), 401],
    ['a year ahead', String(NOW + 365 * 86400), 401],
    ['no timestamp', undefined, 401],
    ['not a number', 'soon', 401],
    ['a fraction', `${NOW}.5`, 401],
    ['negative', `-${NOW}`, 401],
  ];
  for (const [label, timestamp, expected] of cases) {
    it(`${label}: ${expected === 'passed' ? 'goes on to Bolt' : `answers ${expected}`}`, () => {
      assert.equal(send('/slack/events', timestamp), expected);
      assert.equal(send('/slack/events?x=1', timestamp), expected, 'a query string does not dodge the check');
    });
  }

  it('leaves other routes alone (/healthz, /metrics carry no signature)', () => {
    assert.equal(send('/healthz', undefined), 'passed');
    assert.equal(send('/metrics', String(NOW + 9999)), 'passed');
  });

  it('measures the skew from the header', () => {
    assert.equal(skewSeconds(String(NOW + 600), NOW), 600);
    assert.equal(skewSeconds([String(NOW - 7)], NOW), -7);
    assert.equal(skewSeconds('', NOW), null);
  });
});
