import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { rowCrcExpr } from '../../../src/migrate/checksum.js';
import { RowCodec } from '../../../src/migrate/row-codec.js';
import { readValues } from '../../support/row-packets.js';

const columns = [
  { name: 'id', dataType: 'int', nullable: false, charset: null },
  { name: 'f', dataType: 'float', nullable: true, charset: null },
  { name: 's', dataType: 'varchar', nullable: true, charset: 'utf8mb4' },
];

describe('row checksums', () => {
  it('the server expression reads FLOAT as DOUBLE and ends with the NULL bitmap of nullable columns', () => {
    assert.equal(
      rowCrcExpr(columns),
      "CRC32(CONCAT_WS('#', `id`, CAST(`f` AS DOUBLE), `s`, CONCAT(ISNULL(`f`), ISNULL(`s`))))",
    );
    assert.equal(rowCrcExpr([columns[0]]), "CRC32(CONCAT_WS('#', `id`))");
  });

  it('casts text columns to BINARY only when their character sets differ (else CONCAT_WS would convert one)', () => {
    const mixed = [
      { ...columns[0] },
      { name: 'a', dataType: 'varchar', nullable: false, charset: 'utf8mb4' },
      { name: 'b', dataType: 'varchar', nullable: false, charset: 'latin1' },
      { name: 'c', dataType: 'blob', nullable: false, charset: null },
    ];
    assert.equal(rowCrcExpr(mixed), "CRC32(CONCAT_WS('#', `id`, CAST(`a` AS BINARY), CAST(`b` AS BINARY), `c`))");
    assert.equal(rowCrcExpr([mixed[0], mixed[1], mixed[3]]), "CRC32(CONCAT_WS('#', `id`, `a`, `c`))");
  });

  it('hashes a row as CONCAT_WS does: NULLs skipped, the bitmap last, so NULL, empty and "NULL" differ', () => {
    const codec = new RowCodec(columns);
    const crcOf = (...values: Array<string | null>) => {
      readValues(codec, values);
      return codec.crc;
    };
    assert.equal(crcOf('1', '0.5', 'x'), crc32('1#0.5#x#00'));
    assert.equal(crcOf('1', null, 'x'), crc32('1#x#10'));
    const variants = [crcOf('1', null, null), crcOf('1', null, ''), crcOf('1', null, 'NULL')];
    assert.equal(new Set(variants).size, 3);
    const long = 'y'.repeat(100_000);
    assert.equal(crcOf('2', null, long), crc32(`2#${long}#10`));
  });

  it('hashes values of every length and byte as one CRC over the joined row, as zlib does', () => {
    const codec = new RowCodec(columns);
    let seed = 7;
    const byte = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    const value = (length: number) => Buffer.from(Array.from({ length }, byte));
    for (const lengths of [
      [0, 0, 0],
      [1, 63, 64],
      [65, 1, 200],
      [3, 0, 5_000],
      [251, 70_000, 0],
    ]) {
      const values = lengths.map(value);
      const joined = Buffer.concat([
        values[0],
        Buffer.from('#'),
        values[1],
        Buffer.from('#'),
        values[2],
        Buffer.from('#00'),
      ]);
      readValues(codec, values);
      assert.equal(codec.crc, crc32(joined), `lengths ${lengths.join(', ')}`);
    }
  });
});
