import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { growthPerDay } from '../../../src/monitor/forecast.js';
import { parseLatestDeadlock } from '../../../src/monitor/innodb-status.js';

const STATUS = `
=====================================
2026-11-21 13:50:00 0x7f12 INNODB MONITOR OUTPUT
=====================================
------------------------
LATEST DETECTED DEADLOCK
------------------------
2026-11-21 13:46:53 0x7f127c6036c0
*** (1) TRANSACTION:
TRANSACTION 2687, ACTIVE 0 sec starting index read
mysql tables in use 1, locked 1
LOCK WAIT 2 lock struct(s), heap size 1128, 1 row lock(s)
MariaDB thread id 985, OS thread handle 139717372204736, query id 7971 127.0.0.1 root Searching rows for update
UPDATE accounts SET balance = balance - 1
  WHERE id = 2
*** WAITING FOR THIS LOCK TO BE GRANTED:
RECORD LOCKS space id 123 page no 5 n bits 320 index PRIMARY of table \`bank\`.\`accounts\` trx id 2687 lock_mode X waiting

*** CONFLICTING WITH:
RECORD LOCKS space id 124 page no 5 n bits 320 index PRIMARY of table \`bank\`.\`ledger\` trx id 2682 lock_mode X

*** (2) TRANSACTION:
TRANSACTION 2682, ACTIVE 0 sec updating or deleting
MySQL thread id 980, OS thread handle 139717370054336, query id 7966 127.0.0.1 root Updating
UPDATE ledger SET n = n + 1 WHERE id = 1
*** WAITING FOR THIS LOCK TO BE GRANTED:
TABLE LOCK table \`bank\`.\`accounts\` trx id 2682 lock mode IX
*** WE ROLL BACK TRANSACTION (1)
------------
TRANSACTIONS
------------
RECORD LOCKS space id 1 page no 5 n bits 320 index PRIMARY of table \`other\`.\`not_in_the_deadlock\`
`;

describe('SHOW ENGINE INNODB STATUS: the latest deadlock', () => {
  it('reads when, which tables and which statements', () => {
    const info = parseLatestDeadlock(STATUS);
    assert.deepEqual(info, {
      at: '2026-11-21 13:46:53',
      tables: ['`bank`.`accounts`', '`bank`.`ledger`'],
      queries: ['UPDATE accounts SET balance = balance - 1 WHERE id = 2', 'UPDATE ledger SET n = n + 1 WHERE id = 1'],
    });
  });

  it('is null when no deadlock was detected since the server started', () => {
    assert.equal(parseLatestDeadlock('=====\nTRANSACTIONS\n------------\nTrx id counter 5\n'), null);
  });
});

describe('schema growth trend', () => {
  const day = 86_400_000;
  const at = (d: number) => new Date(Date.UTC(2026, 0, 1) + d * day);

  it('is the least-squares slope in bytes per day', () => {
    assert.equal(
      growthPerDay([
        { at: at(0), bytes: 100 },
        { at: at(1), bytes: 200 },
        { at: at(2), bytes: 300 },
      ]),
      100,
    );
    assert.equal(
      growthPerDay([
        { at: at(0), bytes: 300 },
        { at: at(1), bytes: 300 },
        { at: at(2), bytes: 300 },
      ]),
      0,
    );
  });

  it('has no trend from too few samples or too short a span', () => {
    assert.equal(
      growthPerDay([
        { at: at(0), bytes: 100 },
        { at: at(1), bytes: 200 },
      ]),
      null,
    );
    assert.equal(
      growthPerDay([
        { at: at(0), bytes: 100 },
        { at: at(0.1), bytes: 200 },
        { at: at(0.2), bytes: 300 },
      ]),
      null,
    );
  });
});
