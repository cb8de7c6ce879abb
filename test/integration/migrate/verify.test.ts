import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mysql2/promise';
import { copiedColumns, readSchemaTables } from '../../../src/migrate/catalog.js';
import { optionsSource } from '../../../src/migrate/connections.js';
import { ChecksumMismatch, MigrateError } from '../../../src/migrate/errors.js';
import { SourceSnapshot } from '../../../src/migrate/source.js';
import type { TablePlan } from '../../../src/migrate/types.js';
import { DestinationWriter } from '../../../src/migrate/writer.js';
import { connect, count, LOCAL, schemaPair } from './support.js';

/**
 * What a chunk does when the destination does not take the rows as they are: a load that warns, and
 * rows that land different from the source's. Staging tables are made wrong on purpose here.
 */
describe('chunk verification', () => {
  let conn: Connection;
  let pair: Awaited<ReturnType<typeof schemaPair>>;
  before(async () => {
    conn = await connect();
    pair = await schemaPair(conn, 'dbops_verify');
    await conn.query(`USE \`${pair.source}\``);
    await conn.query(
      "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL); INSERT INTO t SELECT seq, CONCAT('value number ', seq) FROM seq_1_to_20",
    );
  });
  after(async () => {
    await pair.drop();
    await conn.end();
  });

  async function plan(staging: string): Promise<TablePlan> {
    const [info] = await readSchemaTables(conn, pair.source, ['t']);
    return {
      name: 't',
      staging,
      old: `${staging}_old`,
      columns: copiedColumns(info),
      key: info.key,
      chunkRows: 10,
      ddl: { create: '', deferredKeys: [], foreignKeys: [] },
      signature: '',
      estimate: { rows: 20, bytes: 0 },
      existsInDestination: false,
    };
  }

  async function copyFirstChunk(table: TablePlan, method: 'load-data' | 'insert'): Promise<unknown> {
    const source = optionsSource(LOCAL, 'local');
    const snapshot = await SourceSnapshot.open(await source.open(), pair.source);
    const writer = await DestinationWriter.open(await source.open(), pair.destination, method, 1 << 20);
    try {
      const hi = await snapshot.exclusive(() => snapshot.nextBoundary(table, null, 10, null));
      await writer.copyChunk(table, { lo: null, hi }, null, snapshot);
      return null;
    } catch (err) {
      return err;
    } finally {
      snapshot.close();
      writer.link.close();
    }
  }

  for (const method of ['load-data', 'insert'] as const) {
    it(`a load that warns (a value cut to fit) fails the chunk and keeps nothing of it (${method})`, async () => {
      const staging = `narrow_${method.replace('-', '_')}`;
      await conn.query(`CREATE TABLE \`${pair.destination}\`.${staging} (id INT PRIMARY KEY, v VARCHAR(5) NOT NULL)`);
      const err = await copyFirstChunk(await plan(staging), method);
      assert.ok(err instanceof MigrateError, String(err));
      assert.match(
        err.message,
        method === 'load-data'
          ? /^t: loading rows with id in \(-∞, 10\] gave warnings, so nothing of it was kept: Warning 1265: Data truncated for column 'v'/
          : /Data too long for column 'v'|Data truncated|gave warnings/,
      );
      assert.equal(await count(conn, pair.destination, staging), 0);
    });
  }

  it('rows that land different from the source fail the chunk by checksum, naming the table and key range', async () => {
    await conn.query(`CREATE TABLE \`${pair.destination}\`.changed (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)`);
    await conn.query(
      `CREATE TRIGGER \`${pair.destination}\`.changed_bi BEFORE INSERT ON \`${pair.destination}\`.changed FOR EACH ROW SET NEW.v = IF(NEW.id = 4, 'tampered', NEW.v)`,
    );
    const err = await copyFirstChunk(await plan('changed'), 'load-data');
    assert.ok(err instanceof ChecksumMismatch, String(err));
    assert.match(
      err.message,
      /^t: rows with id in \(-∞, 10\] differ after the copy \(source 10 rows, checksum [0-9a-f]{8}; destination 10 rows, checksum [0-9a-f]{8}\)$/,
    );
    assert.equal(await count(conn, pair.destination, 'changed'), 0, 'the chunk was rolled back');
  });
});
