import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InsertEncoder, parseUnsigned, TsvEncoder, type RawRow } from '../../../src/migrate/encode.js';
import { RowCodec } from '../../../src/migrate/row-codec.js';
import { readValues } from '../../support/row-packets.js';

const b = (text: string) => Buffer.from(text, 'latin1');

function tsv(rows: RawRow[], blockSize?: number): { text: string; blocks: number } {
  const out: Buffer[] = [];
  const codec = new RowCodec(
    rows[0].map(() => ({ nullable: true })),
    { tsv: true },
  );
  // A block is the codec's memory: kept, it must be copied (as LoadFeed does when it queues).
  const encoder = new TsvEncoder(codec, (block) => out.push(Buffer.from(block)), blockSize);
  for (const row of rows) {
    readValues(codec, row);
    encoder.row();
  }
  encoder.flush();
  assert.equal(encoder.bytes, Buffer.concat(out).length);
  return { text: Buffer.concat(out).toString('latin1'), blocks: out.length };
}

describe('LOAD DATA text encoding', () => {
  const cases: Array<{ name: string; row: RawRow; want: string }> = [
    {
      name: 'NULL is \\N, the empty string is empty, the text NULL stays text',
      row: [null, b(''), b('NULL')],
      want: '\\N\t\tNULL\n',
    },
    { name: 'the two characters \\N are escaped, so they are not NULL', row: [b('\\N')], want: '\\\\N\n' },
    {
      name: 'tab, newline, carriage return, backslash and 0x00 are escaped',
      row: [b('a\tb\nc\rd\\e\0f')],
      want: 'a\\tb\\nc\\rd\\\\e\\0f\n',
    },
    {
      name: 'bytes above 0x7F pass as they are',
      row: [Buffer.from([0xf0, 0x9f, 0x98, 0x80, 0xff])],
      want: Buffer.from([0xf0, 0x9f, 0x98, 0x80, 0xff, 0x0a]).toString('latin1'),
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(tsv([c.row]).text, c.want));

  it('escapes every special byte wherever it falls in a value, within or across 16-byte blocks', () => {
    const escapes = new Map([
      [0x00, '\\0'],
      [0x09, '\\t'],
      [0x0a, '\\n'],
      [0x0d, '\\r'],
      [0x5c, '\\\\'],
    ]);
    const reference = (value: Buffer) => Array.from(value, (c) => escapes.get(c) ?? String.fromCharCode(c)).join('');
    for (const length of [15, 16, 17, 31, 32, 33, 48, 50]) {
      for (let at = 0; at < length; at++) {
        for (const special of escapes.keys()) {
          const value = Buffer.alloc(length, 0x61);
          value[at] = special;
          if (at + 16 < length) value[at + 16] = 0xff;
          assert.equal(
            tsv([[value]]).text,
            `${reference(value)}\n`,
            `length ${length}, 0x${special.toString(16)} at ${at}`,
          );
        }
      }
    }
  });

  it('hands on large blocks, and a value bigger than a block whole', () => {
    const big = Buffer.alloc(10_000, 0x41);
    const { text, blocks } = tsv(
      [
        [b('1'), big],
        [b('2'), b('x')],
      ],
      1024,
    );
    assert.equal(text, `1\t${'A'.repeat(10_000)}\n2\tx\n`);
    assert.ok(blocks >= 2);
  });
});

describe('INSERT encoding', () => {
  function statements(rows: RawRow[], numeric: boolean[], maxBytes = 1 << 20): string[] {
    const out: string[] = [];
    const encoder = new InsertEncoder(numeric, maxBytes, (s) =>
      out.push(`INSERT INTO t (a, b) ${s.toString('latin1')}`),
    );
    const codec = new RowCodec(rows[0].map(() => ({ nullable: true })));
    for (const row of rows) encoder.row(readValues(codec, row), row.length);
    encoder.flush();
    return out;
  }

  it('writes numbers bare, text quoted and escaped, NULL as NULL', () => {
    assert.deepEqual(
      statements(
        [
          [b('-12.50'), b("it's \\ \n \0")],
          [b('7'), null],
        ],
        [true, false],
      ),
      ["INSERT INTO t (a, b) VALUES (-12.50,'it\\'s \\\\ \\n \\0'),(7,NULL)"],
    );
  });

  it('writes any value with a byte above 0x7F as a hex literal, so the SQL stays ASCII', () => {
    const [sql] = statements([[b('1'), Buffer.from('😀', 'utf8')]], [true, false]);
    assert.equal(sql, "INSERT INTO t (a, b) VALUES (1,X'f09f9880')");
  });

  it('starts a new statement before one would pass its size', () => {
    const rows: RawRow[] = Array.from({ length: 50 }, (_, i) => [b(String(i)), b('x'.repeat(40))]);
    const out = statements(rows, [true, false], 400);
    assert.ok(out.length > 5);
    for (const sql of out) {
      assert.ok(sql.startsWith('INSERT INTO t (a, b) VALUES ('));
      assert.ok(sql.length <= 400 + 100);
    }
    assert.equal(out.join('').match(/\(\d+,'x+'\)/g)?.length, 50);
  });
});

it('parses the CRC column without making a string', () => {
  assert.equal(parseUnsigned(b('4294967295')), 4294967295);
  assert.equal(parseUnsigned(b('0')), 0);
  assert.equal(parseUnsigned(null), 0);
});
