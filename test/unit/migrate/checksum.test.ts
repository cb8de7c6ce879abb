import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { RowHasher, rowCrcExpr } from '../../../src/migrate/checksum.js';

const columns = [
  { name: 'id', dataType: 'int', nullable: false },
  { name: 'f', dataType: 'float', nullable: true },
  { name: 's', dataType: 'varchar', nullable: true },
];

describe('row checksums', () => {
  it('the server expression reads FLOAT as DOUBLE, every column as bytes, and the NULL bitmap of nullable columns', () => {
    assert.equal(rowCrcExpr(columns), "CRC32(CONCAT_WS('#', CAST(`id` AS BINARY), CAST(CAST(`f` AS DOUBLE) AS BINARY), CAST(`s` AS BINARY), CONCAT(ISNULL(`f`), ISNULL(`s`))))");
    assert.equal(rowCrcExpr([columns[0]]), "CRC32(CONCAT_WS('#', CAST(`id` AS BINARY)))");
  });

  it('hashes a row as CONCAT_WS does: NULLs skipped, the bitmap last, so NULL, empty and "NULL" differ', () => {
    const hasher = new RowHasher(columns);
    const row = (...values: Array<string | null>) => values.map((v) => (v === null ? null : Buffer.from(v)));
    assert.equal(hasher.crc(row('1', '0.5', 'x')), crc32('1#0.5#x#00'));
    assert.equal(hasher.crc(row('1', null, 'x')), crc32('1#x#10'));
    const variants = [hasher.crc(row('1', null, null)), hasher.crc(row('1', null, '')), hasher.crc(row('1', null, 'NULL'))];
    assert.equal(new Set(variants).size, 3);
    const long = 'y'.repeat(100_000);
    assert.equal(hasher.crc(row('2', null, long)), crc32(`2#${long}#10`));
  });
});
