import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mysql2/promise';
import { connect, differingRows, insertEdgeRows, schemaPair } from './support.js';

/**
 * The comparison the migrate tests trust (`assertSameTable`): it must see every difference the
 * copy could make, in every type the edge table holds, without a set operation on the server.
 */
describe('comparing two tables row by row', () => {
  let conn: Connection;
  let pair: Awaited<ReturnType<typeof schemaPair>>;
  before(async () => {
    conn = await connect();
    pair = await schemaPair(conn, 'dbops_cmp');
    await insertEdgeRows(conn, pair.source);
  });
  after(async () => {
    await pair?.drop();
    await conn?.end();
  });

  /** A fresh copy of `edge` in the destination, then `change` applied to it; the rows that differ. */
  const differenceAfter = async (change: string): Promise<number> => {
    const d = `\`${pair.destination}\``;
    await conn.query(`DROP TABLE IF EXISTS ${d}.edge`);
    await conn.query(`CREATE TABLE ${d}.edge LIKE \`${pair.source}\`.edge`);
    const columns = 'id,big,sbig,dec65,dt6,d,ts,bl,js,s,emoji,b1,b64,b10,f,dbl,l1,e,st,tm,yr';
    await conn.query(`INSERT INTO ${d}.edge (${columns}) SELECT ${columns} FROM \`${pair.source}\`.edge`);
    if (change) await conn.query(change.replaceAll('$t', `${d}.edge`));
    return differingRows(conn, pair.source, pair.destination, 'edge');
  };

  it('finds none in an exact copy', async () => {
    assert.equal(await differenceAfter(''), 0);
  });

  const changes: Array<[string, string, number]> = [
    ['one byte of a BLOB', 'UPDATE $t SET bl = CONCAT(bl, 0x00) WHERE id = 1', 2],
    ['NULL made the string NULL', "UPDATE $t SET s = 'NULL' WHERE id = 1", 2],
    ["'' made NULL", 'UPDATE $t SET s = NULL WHERE id = 2', 2],
    [
      'the last digit of a DECIMAL(65,30)',
      'UPDATE $t SET dec65 = dec65 + 0.000000000000000000000000000001 WHERE id = 1',
      2,
    ],
    ['a microsecond of a DATETIME(6)', 'UPDATE $t SET dt6 = dt6 - INTERVAL 1 MICROSECOND WHERE id = 1', 2],
    ['a DOUBLE', 'UPDATE $t SET dbl = 0.1000001 WHERE id = 2', 2],
    ['a row missing', 'DELETE FROM $t WHERE id = 5', 1],
    [
      'a row held twice (no key to stop it)',
      'ALTER TABLE $t DROP PRIMARY KEY; INSERT INTO $t SELECT * FROM $t WHERE id = 6',
      1,
    ],
  ];
  for (const [what, change, expected] of changes) {
    it(`sees ${what}`, async () => {
      assert.equal(await differenceAfter(change), expected);
    });
  }
});
