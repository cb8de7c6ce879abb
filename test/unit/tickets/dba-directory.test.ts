import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDbaDirectory } from '../../../src/tickets/dba-directory.js';
import { silentLogger } from '../../../src/kernel/logger.js';

function fakeClock(start = Date.parse('2026-11-24T00:00:00Z')) {
  let t = start;
  return {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('DBA directory', () => {
  it('is the configured users when there is no user group', async () => {
    const dbas = createDbaDirectory({ users: ['U0DBA1'] });
    assert.deepEqual([...(await dbas.members())], ['U0DBA1']);
    assert.equal(await dbas.isDba('U0DEV1'), false);
  });

  it('adds the user group members, looked up once per TTL, one lookup for concurrent callers', async () => {
    const clock = fakeClock();
    let calls = 0;
    let members = ['U0DBA2'];
    const dbas = createDbaDirectory({
      users: ['U0DBA1'],
      usergroup: 'S0DBAS',
      ttlMs: 60_000,
      clock,
      resolveGroup: async (group) => {
        calls++;
        assert.equal(group, 'S0DBAS');
        return members;
      },
    });
    const all = await Promise.all([dbas.isDba('U0DBA2'), dbas.isDba('U0DBA1'), dbas.isDba('U0DEV1')]);
    assert.deepEqual(all, [true, true, false]);
    assert.equal(calls, 1);
    members = ['U0DBA3'];
    clock.advance(59_000);
    assert.equal(await dbas.isDba('U0DBA3'), false, 'still cached');
    clock.advance(2_000);
    assert.equal(await dbas.isDba('U0DBA3'), true, 'looked up again after the TTL');
    assert.equal(await dbas.isDba('U0DBA2'), false, 'removed from the group, no longer a DBA');
    members = ['U0DBA4'];
    dbas.invalidate();
    assert.equal(await dbas.isDba('U0DBA4'), true);
    assert.equal(calls, 3);
  });

  it('keeps the last known members when a lookup fails, and never widens the set', async () => {
    const clock = fakeClock();
    let fail = false;
    const dbas = createDbaDirectory({
      users: ['U0DBA1'],
      usergroup: 'S0DBAS',
      ttlMs: 1_000,
      retryMs: 500,
      clock,
      logger: silentLogger(),
      resolveGroup: async () => {
        if (fail) throw new Error('ratelimited');
        return ['U0DBA2'];
      },
    });
    assert.equal(await dbas.isDba('U0DBA2'), true);
    fail = true;
    clock.advance(2_000);
    assert.equal(await dbas.isDba('U0DBA2'), true, 'last known members kept');

    const cold = createDbaDirectory({
      users: ['U0DBA1'],
      usergroup: 'S0DBAS',
      clock,
      logger: silentLogger(),
      resolveGroup: async () => {
        throw new Error('down');
      },
    });
    assert.deepEqual([...(await cold.members())], ['U0DBA1'], 'with nothing known, only the configured users');
  });
});
