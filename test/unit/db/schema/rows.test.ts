import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ColumnRow,
  ForeignKeyRow,
  IndexRow,
  TableRow,
  extraFacts,
  groupForeignKeys,
  groupIndexes,
  parseRows,
  toColumn,
  toTable,
} from '../../../../src/db/schema/rows.js';

const column = (over: Record<string, unknown> = {}) =>
  ColumnRow.parse({
    table_name: 't',
    column_name: 'c',
    ordinal_position: 1,
    data_type: 'VARCHAR',
    column_type: 'varchar(20)',
    is_nullable: 'YES',
    column_default: null,
    extra: null,
    character_set_name: 'utf8mb4',
    collation_name: 'utf8mb4_general_ci',
    column_comment: null,
    column_key: '',
    ...over,
  });

const index = (index_name: string, column_name: string | null, over: Record<string, unknown> = {}) =>
  IndexRow.parse({
    table_name: 't',
    index_name,
    non_unique: 1,
    column_name,
    sub_part: null,
    collation: 'A',
    cardinality: null,
    index_type: 'BTREE',
    ...over,
  });

describe('information_schema rows', () => {
  it('reads table numbers whether mysql2 gives numbers or BIGINT strings, null when there are none (views, details not read)', () => {
    const table = toTable(
      's',
      TableRow.parse({
        table_name: 'orders',
        table_type: 'BASE TABLE',
        engine: 'InnoDB',
        table_collation: 'utf8mb4_general_ci',
        create_options: 'partitioned',
        table_comment: null,
        table_rows: '12345678901',
        data_length: 16384,
        index_length: '0',
        data_free: '',
        avg_row_length: null,
      }),
    );
    assert.deepEqual(
      [table.rows, table.dataBytes, table.indexBytes, table.freeBytes, table.avgRowLength, table.autoIncrement],
      [12345678901, 16384, 0, null, null, null],
    );
    assert.equal(table.partitioned, true);
    assert.equal(table.comment, '');
    const named = toTable('s', TableRow.parse({ table_name: 'v', table_type: 'VIEW' }));
    assert.deepEqual([named.engine, named.comment, named.createOptions, named.rows], [null, '', '', null]);
    assert.throws(() => TableRow.parse({ table_name: 'x', table_type: 'VIEW', engine: null, table_rows: 'many' }));
  });

  it('tells generated, system-versioned, auto-increment and ON UPDATE columns from EXTRA as both servers write it', () => {
    const cases: Array<[string, ReturnType<typeof extraFacts>]> = [
      ['VIRTUAL GENERATED', { autoIncrement: false, onUpdate: false, generated: 'virtual', rowPeriod: null }],
      ['STORED GENERATED', { autoIncrement: false, onUpdate: false, generated: 'stored', rowPeriod: null }],
      ['PERSISTENT', { autoIncrement: false, onUpdate: false, generated: 'stored', rowPeriod: null }],
      ['VIRTUAL', { autoIncrement: false, onUpdate: false, generated: 'virtual', rowPeriod: null }],
      ['ROW START INVISIBLE', { autoIncrement: false, onUpdate: false, generated: null, rowPeriod: 'start' }],
      ['ROW END', { autoIncrement: false, onUpdate: false, generated: null, rowPeriod: 'end' }],
      ['auto_increment', { autoIncrement: true, onUpdate: false, generated: null, rowPeriod: null }],
      [
        'DEFAULT_GENERATED on update CURRENT_TIMESTAMP',
        { autoIncrement: false, onUpdate: true, generated: null, rowPeriod: null },
      ],
      ['on update current_timestamp()', { autoIncrement: false, onUpdate: true, generated: null, rowPeriod: null }],
      ['INVISIBLE', { autoIncrement: false, onUpdate: false, generated: null, rowPeriod: null }],
      ['', { autoIncrement: false, onUpdate: false, generated: null, rowPeriod: null }],
    ];
    for (const [extra, facts] of cases) assert.deepEqual(extraFacts(extra), facts, extra);
  });

  it('keeps a column as the server writes it: data type in lower case, the default untouched, empty texts for NULL', () => {
    const c = toColumn(column({ column_default: "'it''s'", extra: 'VIRTUAL GENERATED', column_key: 'MUL' }));
    assert.equal(c.dataType, 'varchar');
    assert.equal(c.columnType, 'varchar(20)');
    assert.equal(c.default, "'it''s'");
    assert.equal(c.nullable, true);
    assert.equal(c.generated, 'virtual');
    assert.equal(c.key, 'MUL');
    assert.equal(c.comment, '');
    assert.equal(toColumn(column({ is_nullable: 'NO' })).nullable, false);
  });

  it('groups key parts into indexes in the order they come, with prefixes, order, cardinality and expressions', () => {
    const grouped = groupIndexes([
      index('idx_a', 'a', { sub_part: 10, cardinality: 5 }),
      index('idx_a', 'b', { collation: 'D', cardinality: '50' }),
      index('PRIMARY', 'id', { non_unique: '0' }),
      index('uk', null, { non_unique: 0 }),
      IndexRow.parse({ ...index('other', 'x'), table_name: 'u' }),
    ]);
    assert.deepEqual(grouped.get('t'), [
      {
        name: 'idx_a',
        primary: false,
        unique: false,
        type: 'BTREE',
        parts: [
          { column: 'a', subPart: 10, descending: false, cardinality: 5 },
          { column: 'b', subPart: null, descending: true, cardinality: 50 },
        ],
      },
      {
        name: 'PRIMARY',
        primary: true,
        unique: true,
        type: 'BTREE',
        parts: [{ column: 'id', subPart: null, descending: false, cardinality: null }],
      },
      {
        name: 'uk',
        primary: false,
        unique: true,
        type: 'BTREE',
        parts: [{ column: null, subPart: null, descending: false, cardinality: null }],
      },
    ]);
    assert.deepEqual(
      grouped.get('u')?.map((i) => i.name),
      ['other'],
    );
  });

  it('groups foreign key columns into keys with both sides in order', () => {
    const row = (column_name: string, referenced_column_name: string) =>
      ForeignKeyRow.parse({
        table_name: 'items',
        constraint_name: 'fk_order',
        column_name,
        referenced_table_schema: 'shop',
        referenced_table_name: 'orders',
        referenced_column_name,
        update_rule: 'CASCADE',
        delete_rule: 'RESTRICT',
      });
    assert.deepEqual(groupForeignKeys([row('order_id', 'id'), row('order_day', 'day')]).get('items'), [
      {
        name: 'fk_order',
        columns: ['order_id', 'order_day'],
        referencedSchema: 'shop',
        referencedTable: 'orders',
        referencedColumns: ['id', 'day'],
        onUpdate: 'CASCADE',
        onDelete: 'RESTRICT',
      },
    ]);
  });

  it('names the query and the row when a row does not fit', () => {
    assert.throws(
      () => parseRows([{ table_name: 't' }], ColumnRow, 'SELECT TABLE_NAME FROM information_schema.COLUMNS'),
      /unexpected information_schema row 1 for "SELECT TABLE_NAME FROM information_schema\.COLUMNS/,
    );
  });
});
