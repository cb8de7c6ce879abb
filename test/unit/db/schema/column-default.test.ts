import assert from 'node:assert/strict';
import { it } from 'node:test';
import { columnDefault } from '../../../../src/db/schema/column-default.js';

it('reads COLUMN_DEFAULT as MariaDB writes it (SQL) and as MySQL writes it (the bare value)', () => {
  const cases: Array<[string | null, boolean, 'mariadb' | 'mysql', { value: string | null; hasDefault: boolean }]> = [
    [null, true, 'mariadb', { value: null, hasDefault: false }],
    ['NULL', true, 'mariadb', { value: null, hasDefault: true }],
    ["'it''s'", false, 'mariadb', { value: "it's", hasDefault: true }],
    ['current_timestamp()', false, 'mariadb', { value: 'current_timestamp()', hasDefault: true }],
    ['0', false, 'mariadb', { value: '0', hasDefault: true }],
    [null, true, 'mysql', { value: null, hasDefault: true }],
    [null, false, 'mysql', { value: null, hasDefault: false }],
    ['n', false, 'mysql', { value: 'n', hasDefault: true }],
  ];
  for (const [raw, nullable, flavor, expected] of cases)
    assert.deepEqual(columnDefault({ default: raw, nullable }, flavor), expected, `${flavor} ${raw}`);
});
