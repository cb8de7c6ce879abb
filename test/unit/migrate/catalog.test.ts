import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGeneratedExtra, keyKind, type ColumnInfo } from '../../../src/migrate/catalog.js';

const column = (dataType: string, charset: string | null = null): ColumnInfo => ({
  name: 'c',
  dataType,
  columnType: dataType,
  nullable: false,
  generated: false,
  charset,
  collation: charset ? `${charset}_general_ci` : null,
});

describe('catalog readings', () => {
  it('knows generated columns from EXTRA, and not columns with an expression default', () => {
    for (const extra of [
      'VIRTUAL GENERATED',
      'STORED GENERATED',
      'PERSISTENT',
      'VIRTUAL',
      'ROW START INVISIBLE',
      'ROW END',
    ])
      assert.equal(isGeneratedExtra(extra), true, extra);
    for (const extra of [
      '',
      'auto_increment',
      'DEFAULT_GENERATED',
      'DEFAULT_GENERATED on update CURRENT_TIMESTAMP',
      'on update current_timestamp()',
      'INVISIBLE',
    ])
      assert.equal(isGeneratedExtra(extra), false, extra);
  });

  it('chunks only on keys whose order SQL comparisons reproduce', () => {
    assert.equal(keyKind(column('bigint')), 'number');
    assert.equal(keyKind(column('decimal')), 'number');
    assert.equal(keyKind(column('datetime')), 'temporal');
    assert.equal(keyKind(column('varchar', 'utf8mb4')), 'string');
    assert.equal(keyKind(column('varbinary')), 'binary');
    for (const type of ['float', 'double', 'enum', 'set', 'bit', 'blob', 'text', 'json', 'point'])
      assert.equal(keyKind(column(type, type === 'text' ? 'utf8mb4' : null)), null, type);
  });
});
