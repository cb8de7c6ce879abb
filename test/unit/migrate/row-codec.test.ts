import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { compileRowCodec } from '../../../scripts/build-wasm.js';
import { MAX_COLUMNS, RowCodec } from '../../../src/migrate/row-codec.js';
import { ROW_CODEC_WASM } from '../../../src/migrate/wasm/row-codec.wasm.js';
import { readValues, textRow } from '../../support/row-packets.js';

const valuesOf = (codec: RowCodec): Array<Buffer | null> =>
  Array.from(codec.row.start, (start, i) =>
    start < 0 ? null : Buffer.from(codec.row.buf.subarray(start, codec.row.end[i])),
  );

describe('row codec', () => {
  it('runs the module compiled from row-codec.wat (npm run build:wasm after changing it)', async () => {
    assert.deepEqual(Buffer.from(await compileRowCodec()), Buffer.from(ROW_CODEC_WASM, 'base64'));
  });

  it('reads values of every length encoding, 1 byte to 8, and hashes them as zlib does', () => {
    const codec = new RowCodec([{ nullable: false }, { nullable: false }]);
    for (const length of [0, 1, 250, 251, 65_535, 65_536, 16_777_215, 16_777_216]) {
      const value = Buffer.alloc(length, 0x61 + (length % 26));
      readValues(codec, [Buffer.from('7'), value]);
      assert.deepEqual(valuesOf(codec), [Buffer.from('7'), value], `length ${length}`);
      assert.equal(codec.crc, crc32(Buffer.concat([Buffer.from('7#'), value])), `length ${length}`);
    }
  });

  it('refuses bytes that are not a row of its columns, and says so', () => {
    const codec = new RowCodec([{ nullable: true }, { nullable: true }]);
    const refused = (payload: Buffer) =>
      assert.throws(() => codec.read(payload, 0, payload.length), /did not hold 2 values/);
    refused(textRow(['a']));
    refused(textRow(['a', 'b', 'c']));
    refused(Buffer.concat([textRow(['a']), Buffer.from([0xff])]));
    refused(Buffer.from([0x01, 0x61, 0x05, 0x62]));
    refused(Buffer.from([0x01, 0x61, 0xfe, 1, 0, 0, 0, 1, 0, 0, 0, 0x62]));
  });

  it('takes 1 to 4,096 columns', () => {
    assert.throws(() => new RowCodec([]), /1 to 4096 columns, not 0/);
    assert.throws(() => new RowCodec(Array.from({ length: MAX_COLUMNS + 1 }, () => ({ nullable: false }))), /not 4097/);
    const widest = new RowCodec(Array.from({ length: MAX_COLUMNS }, () => ({ nullable: true })));
    readValues(
      widest,
      Array.from({ length: MAX_COLUMNS }, (_, i) => (i % 2 ? null : String(i))),
    );
    assert.equal(valuesOf(widest)[4094]?.toString(), '4094');
    assert.equal(valuesOf(widest)[4095], null);
  });

  it('writes LOAD DATA lines as it reads, and grows for a row bigger than its areas, keeping the lines already written', () => {
    const codec = new RowCodec([{ nullable: false }, { nullable: true }], { tsv: true });
    readValues(codec, ['1', 'a\tb']);
    const big = 'x'.repeat(3 * 1024 * 1024);
    readValues(codec, ['2', big]);
    readValues(codec, ['3', null]);
    assert.equal(codec.tsvLines().toString('latin1'), `1\ta\\tb\n2\t${big}\n3\t\\N\n`);
    codec.clear();
    assert.equal(codec.pendingTsv, 0);
  });

  it('says plainly when a row is too big for its memory, before copying any of it', () => {
    const codec = new RowCodec([{ nullable: false }]);
    // 2.2 GB, never written: its escaped line could need twice that, past WebAssembly's 4 GB.
    const huge = Buffer.allocUnsafe(2_200_000_000);
    assert.throws(() => codec.read(huge, 0, huge.length), /a row of about 2098 MB is more than a copy can carry/);
  });

  it('reads the rows of one Buffer where they are, and another Buffer afresh at the same offsets', () => {
    const codec = new RowCodec([{ nullable: false }]);
    const first = Buffer.concat([textRow(['aaa']), textRow(['bbb'])]);
    const second = Buffer.concat([textRow(['ccc']), textRow(['ddd'])]);
    codec.read(first, 0, 4);
    assert.equal(valuesOf(codec)[0]?.toString(), 'aaa');
    codec.read(first, 4, 8);
    assert.equal(valuesOf(codec)[0]?.toString(), 'bbb');
    codec.read(second, 4, 8);
    assert.equal(valuesOf(codec)[0]?.toString(), 'ddd');
  });
});
