import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binlogQuery, fromLogStatus } from '../../../src/migrate/source.js';

describe('binlog coordinates of the snapshot, by server version', () => {
  const cases: Array<[string, string]> = [
    ['10.11.19-MariaDB-0+deb12u1', "SHOW STATUS LIKE 'binlog_snapshot_%'"],
    ['11.4.2-MariaDB', "SHOW STATUS LIKE 'binlog_snapshot_%'"],
    ['5.7.44-log', 'SHOW MASTER STATUS'],
    ['8.0.36', 'SHOW MASTER STATUS'],
    ['8.1.0', 'SHOW MASTER STATUS'],
    ['8.2.0', 'SHOW BINARY LOG STATUS'],
    ['8.4.3', 'SHOW BINARY LOG STATUS'],
    ['9.1.0-commercial', 'SHOW BINARY LOG STATUS'],
  ];
  for (const [version, sql] of cases) it(`${version}: ${sql}`, () => assert.equal(binlogQuery(version).sql, sql));

  it("reads MySQL's File, Position and executed GTID set", () => {
    assert.deepEqual(
      fromLogStatus([
        {
          File: 'binlog.000042',
          Position: 1234,
          Executed_Gtid_Set: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,\n4a:1-2',
        },
      ]),
      { file: 'binlog.000042', position: 1234, gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,4a:1-2' },
    );
    assert.deepEqual(fromLogStatus([{ File: 'mysql-bin.000001', Position: '4', Executed_Gtid_Set: '' }]), {
      file: 'mysql-bin.000001',
      position: 4,
    });
    assert.equal(fromLogStatus([]), null, 'binlog off: no row');
  });
});
