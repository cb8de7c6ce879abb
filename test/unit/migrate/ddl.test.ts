import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addKeysSql, keyName, stagingDdl, withoutDefiner, workTableName } from '../../../src/migrate/ddl.js';

const SHOW_CREATE = [
  'CREATE TABLE `orders` (',
  '  `id` bigint(20) unsigned NOT NULL AUTO_INCREMENT,',
  '  `customer_id` int(11) NOT NULL,',
  '  `code` varchar(20) NOT NULL,',
  '  `note` text DEFAULT NULL,',
  '  PRIMARY KEY (`id`),',
  '  UNIQUE KEY `uk_code` (`code`),',
  '  KEY `idx_customer` (`customer_id`),',
  '  FULLTEXT KEY `ft_note` (`note`),',
  '  CONSTRAINT `fk_orders_customer` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE,',
  "  CONSTRAINT `chk_code` CHECK (`code` <> '')",
  ') ENGINE=InnoDB AUTO_INCREMENT=1001 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci',
].join('\n');

describe('staging DDL', () => {
  it('renames the table, takes foreign keys out and defers secondary keys', () => {
    const ddl = stagingDdl(SHOW_CREATE, '`shop`.`__dbops_T1_n_orders`', { deferKeys: true, keep: new Set() });
    assert.ok(ddl.create.startsWith('CREATE TABLE `shop`.`__dbops_T1_n_orders` (\n'));
    assert.doesNotMatch(ddl.create, /FOREIGN KEY|KEY `idx_customer`|KEY `uk_code`|FULLTEXT/);
    assert.match(
      ddl.create,
      /PRIMARY KEY \(`id`\),\n {2}CONSTRAINT `chk_code` CHECK \(`code` <> ''\)\n\) ENGINE=InnoDB AUTO_INCREMENT=1001/,
    );
    assert.deepEqual(ddl.deferredKeys, [
      'UNIQUE KEY `uk_code` (`code`)',
      'KEY `idx_customer` (`customer_id`)',
      'FULLTEXT KEY `ft_note` (`note`)',
    ]);
    assert.deepEqual(ddl.foreignKeys, [
      'CONSTRAINT `fk_orders_customer` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE',
    ]);
  });

  it('keeps the keys it is told to keep, and all of them when not deferring', () => {
    const kept = stagingDdl(SHOW_CREATE, '`t`', { deferKeys: true, keep: new Set(['uk_code']) });
    assert.match(kept.create, /UNIQUE KEY `uk_code`/);
    assert.equal(kept.deferredKeys.length, 2);
    const all = stagingDdl(SHOW_CREATE, '`t`', { deferKeys: false, keep: new Set() });
    assert.equal(all.deferredKeys.length, 0);
    assert.match(all.create, /KEY `idx_customer`/);
    assert.doesNotMatch(all.create, /,\n\)/, 'no comma before the closing line');
  });

  it('drops deferred keys for good for an append staging table', () => {
    const ddl = stagingDdl(SHOW_CREATE, '`t`', { deferKeys: true, keep: new Set(), dropDeferred: true });
    assert.deepEqual(ddl.deferredKeys, []);
  });

  it('writes the ALTER that adds keys back, and reads key names', () => {
    assert.equal(
      addKeysSql('`s`.`t`', ['KEY `a` (`a`)', 'UNIQUE KEY `b` (`b`)']),
      'ALTER TABLE `s`.`t` ADD KEY `a` (`a`), ADD UNIQUE KEY `b` (`b`)',
    );
    assert.equal(addKeysSql('`s`.`t`', []), null);
    assert.equal(keyName('KEY `we``ird` (`a`)'), 'we`ird');
    assert.equal(keyName('CONSTRAINT `fk_x` FOREIGN KEY (`a`) REFERENCES `p` (`id`)'), 'fk_x');
  });
});

describe('work table names', () => {
  it('are deterministic per run and role, and fit in 64 characters', () => {
    assert.equal(workTableName('T42', 'n', 'orders'), '__dbops_T42_n_orders');
    assert.equal(workTableName('T42', 'o', 'orders'), '__dbops_T42_o_orders');
    const long = 'x'.repeat(64);
    const a = workTableName('T42', 'n', long);
    assert.equal(a.length, 64);
    assert.notEqual(a, workTableName('T42', 'n', `${'x'.repeat(63)}y`));
  });
});

describe('DEFINER clauses', () => {
  const cases = [
    [
      'CREATE ALGORITHM=UNDEFINED DEFINER=`root`@`localhost` SQL SECURITY DEFINER VIEW `v` AS select 1',
      'CREATE ALGORITHM=UNDEFINED SQL SECURITY DEFINER VIEW `v` AS select 1',
    ],
    [
      'CREATE DEFINER=`app`@`%` TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 1',
      'CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW SET NEW.a = 1',
    ],
    [
      'CREATE DEFINER=`we``ird`@`10.0.0.%` FUNCTION `f`() RETURNS int RETURN 1',
      'CREATE FUNCTION `f`() RETURNS int RETURN 1',
    ],
    ['CREATE FUNCTION `f`() RETURNS int RETURN 1', 'CREATE FUNCTION `f`() RETURNS int RETURN 1'],
  ] as const;
  for (const [input, want] of cases)
    it(`drops it from: ${input.slice(0, 40)}…`, () => assert.equal(withoutDefiner(input), want));
});
