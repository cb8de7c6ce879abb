import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay, isTransientMysqlError, sleep, within } from '../../../src/db/transient.js';

const error = (fields: Record<string, unknown>, message = 'x') => Object.assign(new Error(message), fields);

describe('transient MySQL errors', () => {
  const transient: Array<[string, unknown]> = [
    ['connection lost', error({ code: 'PROTOCOL_CONNECTION_LOST' })],
    ['deadlock', error({ code: 'ER_LOCK_DEADLOCK', errno: 1213 })],
    ['lock wait timeout', error({ code: 'ER_LOCK_WAIT_TIMEOUT', errno: 1205 })],
    ['server gone away (errno)', error({ errno: 2006 })],
    ['server gone away (text)', new Error('MySQL server has gone away')],
    ['lost during query', error({ errno: 2013 })],
    ['connection reset', error({ code: 'ECONNRESET' })],
    ['too many connections', error({ code: 'ER_CON_COUNT_ERROR', errno: 1040 })],
    ['server shutting down', error({ errno: 1053 })],
    ['MariaDB connection killed', error({ errno: 1927 })],
  ];
  const permanent: Array<[string, unknown]> = [
    ['syntax', error({ code: 'ER_PARSE_ERROR', errno: 1064 })],
    ['missing table', error({ code: 'ER_NO_SUCH_TABLE', errno: 1146 })],
    ['duplicate key', error({ code: 'ER_DUP_ENTRY', errno: 1062 })],
    ['access denied', error({ code: 'ER_ACCESS_DENIED_ERROR', errno: 1045 })],
    ['query killed', error({ code: 'ER_QUERY_INTERRUPTED', errno: 1317 })],
    ['not an error', 'connection lost'],
    ['null', null],
  ];
  for (const [name, err] of transient) it(`${name} is transient`, () => assert.equal(isTransientMysqlError(err), true));
  for (const [name, err] of permanent) it(`${name} is not`, () => assert.equal(isTransientMysqlError(err), false));
});

describe('backoff', () => {
  it('doubles from the base, with ±20 % jitter, up to the cap', () => {
    const b = { baseMs: 100, maxMs: 1_000 };
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffDelay(n, b, () => 0.5)),
      [100, 200, 400, 800, 1_000],
    );
    assert.equal(
      backoffDelay(1, b, () => 0),
      80,
    );
    assert.equal(
      backoffDelay(1, b, () => 1),
      120,
    );
  });

  it('sleep gives up at once when its signal is aborted, with the signal’s reason', async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(slept, /stop/);
  });

  it('within falls back when the promise is late, and takes the promise when it is not', async () => {
    assert.equal(await within(new Promise(() => undefined), 5, 'late'), 'late');
    assert.equal(await within(Promise.resolve('on time'), 1_000, 'late'), 'on time');
  });
});
