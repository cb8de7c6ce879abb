import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Catalog, CatalogColumn, CatalogTable } from '../../../src/review/catalog/catalog.js';
import { reviewSql } from '../../../src/review/engine.js';
import { rules } from '../../../src/review/rules/index.js';
import { resolveRules } from '../../../src/review/settings.js';

/** A catalog holding fixed tables: enough for the text rules that also read the catalog. */
function catalogOf(tables: CatalogTable[]): Catalog {
  const key = (schema: string, table: string): string => `${schema}.${table}`.toLowerCase();
  const byName = new Map(tables.map((t) => [key(t.schema, t.name), t]));
  return {
    hasSchema: (schema) => tables.some((t) => t.schema === schema),
    getTable: (schema, table) => byName.get(key(schema, table)),
    putTable: () => undefined,
    dropTable: () => undefined,
    addSchema: () => undefined,
    dropSchema: () => undefined,
  };
}

function column(name: string, columnType: string, nullable = false): CatalogColumn {
  return {
    name,
    dataType: columnType.replace(/[( ].*$/, ''),
    columnType,
    nullable,
    defaultValue: null,
    hasDefault: false,
    autoIncrement: false,
  };
}

const orders: CatalogTable = {
  schema: 'shop',
  name: 'orders',
  columns: [
    column('id', 'bigint(20) unsigned'),
    column('user_id', 'bigint(20) unsigned'),
    column('code', 'varchar(64)'),
    column('note', 'text', true),
    column('qty', 'int(11)'),
    column('state', "enum('new','paid','sent')"),
  ],
  indexes: [
    { name: 'PRIMARY', columns: ['id'], unique: true, primary: true },
    { name: 'idx_user', columns: ['user_id'], unique: false, primary: false },
    { name: 'uk_code', columns: ['code'], unique: true, primary: false },
    { name: 'ft_note', columns: ['note'], unique: false, primary: false, type: 'FULLTEXT' },
  ],
};

async function findings(ruleId: string, sql: string, params: Record<string, unknown> = {}): Promise<string[]> {
  const rule = rules.find((r) => r.id === ruleId);
  assert.ok(rule);
  const resolved = resolveRules(rules, {
    rules: { [ruleId]: { level: rule.severity, ...params } },
    profiles: {},
  });
  const report = await reviewSql(sql, {
    rules: resolved,
    catalog: catalogOf([orders]),
    schema: 'shop',
    purpose: 'change',
  });
  return report.statements
    .flatMap((s) => s.findings)
    .filter((f) => f.rule === ruleId)
    .map((f) => f.message);
}

describe('DDL text rules that also read the catalog', () => {
  it('table.no-duplicate-index compares with the existing indexes, minus the dropped ones', async () => {
    assert.match(
      (await findings('table.no-duplicate-index', 'ALTER TABLE orders ADD INDEX idx_user2 (user_id)'))[0] ?? '',
      /duplicates existing index `idx_user`/,
    );
    assert.match(
      (await findings('table.no-duplicate-index', 'CREATE INDEX idx_id ON shop.orders (id)'))[0] ?? '',
      /PRIMARY KEY/,
    );
    assert.deepEqual(
      await findings(
        'table.no-duplicate-index',
        'ALTER TABLE orders DROP INDEX idx_user, ADD INDEX idx_user_id (user_id)',
      ),
      [],
    );
    assert.deepEqual(
      await findings('table.no-duplicate-index', 'ALTER TABLE orders ADD INDEX idx_note (note(20))'),
      [],
      'a BTREE prefix index does not duplicate a FULLTEXT one',
    );
    assert.deepEqual(await findings('table.no-duplicate-index', 'ALTER TABLE other ADD INDEX idx_user (user_id)'), []);
  });

  it('index.total-number-limit counts the existing indexes', async () => {
    assert.match(
      (await findings('index.total-number-limit', 'ALTER TABLE orders ADD INDEX idx_qty (qty)', { max: 4 }))[0] ?? '',
      /5 indexes \(4 existing, 1 new\)/,
    );
    assert.deepEqual(
      await findings('index.total-number-limit', 'ALTER TABLE orders DROP INDEX idx_user, ADD INDEX idx_qty (qty)', {
        max: 4,
      }),
      [],
    );
  });

  it('table.max-columns counts the existing columns', async () => {
    assert.equal((await findings('table.max-columns', 'ALTER TABLE orders ADD COLUMN a INT', { max: 6 })).length, 1);
    assert.deepEqual(
      await findings('table.max-columns', 'ALTER TABLE orders ADD COLUMN a INT, DROP COLUMN note', { max: 6 }),
      [],
    );
  });

  it('schema.backward-compatibility reports narrowed types and new NOT NULL', async () => {
    const narrowed = await findings(
      'schema.backward-compatibility',
      "ALTER TABLE orders MODIFY code VARCHAR(32), MODIFY qty TINYINT, MODIFY state ENUM('new','paid'), MODIFY note TEXT NOT NULL",
    );
    assert.equal(narrowed.length, 4, narrowed.join('\n'));
    assert.match(narrowed[0], /varchar\(64\) to varchar\(32\) — a shorter length/);
    assert.match(narrowed[2], /'sent' removed/);
    assert.match(narrowed[3], /NOT NULL/);
    assert.deepEqual(
      await findings(
        'schema.backward-compatibility',
        "ALTER TABLE orders MODIFY code VARCHAR(128), MODIFY qty BIGINT, MODIFY state ENUM('new','paid','sent','done')",
      ),
      [],
    );
  });

  it('index.pk-type and index.type-no-blob look up column types in the catalog', async () => {
    assert.equal(
      (await findings('index.pk-type', 'ALTER TABLE orders DROP PRIMARY KEY, ADD PRIMARY KEY (code)')).length,
      1,
    );
    assert.equal((await findings('index.type-no-blob', 'ALTER TABLE orders ADD INDEX idx_note (note)')).length, 1);
    assert.deepEqual(await findings('index.type-no-blob', 'ALTER TABLE orders ADD INDEX idx_note (note(32))'), []);
  });

  it('column.set-default-for-not-null knows the existing primary key', async () => {
    assert.deepEqual(
      await findings('column.set-default-for-not-null', 'ALTER TABLE orders MODIFY id BIGINT UNSIGNED NOT NULL'),
      [],
    );
    assert.equal(
      (await findings('column.set-default-for-not-null', 'ALTER TABLE orders MODIFY qty INT NOT NULL')).length,
      1,
    );
  });
});
