import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RuleSetting } from '../../../src/config/schema.js';
import { loadCatalog } from '../../../src/review/catalog/load-catalog.js';
import type { MemoryCatalog } from '../../../src/review/catalog/memory-catalog.js';
import { reviewSql } from '../../../src/review/engine.js';
import { MysqlProbe } from '../../../src/review/explain/mysql-probe.js';
import { rules } from '../../../src/review/rules/index.js';
import { resolveRules } from '../../../src/review/settings.js';
import { shadowRunner } from '../../../src/review/shadow.js';
import { loadRuleFixtures, type RuleCase, type RuleFixture } from '../../support/rule-fixtures.js';
import { createSchema, dropSchema, localPools } from './review-db.js';

/**
 * Every rule fixture with a `schema:` runs here against the local MariaDB: the fixture's DDL in a
 * fresh schema `t_rules_<random>`, the catalog read from it, EXPLAIN on it, the shadow check on the
 * same server, and only the fixture's rule enabled.
 */
const fixtures = loadRuleFixtures().filter((f) => f.schema !== undefined);
const pools = localPools();
const pool = pools.primary('local');
let probe: MysqlProbe;

before(async () => {
  probe = await MysqlProbe.connect(pool);
});
after(async () => {
  await probe.close();
  await pools.closeAll();
});

async function findingsOf(fixture: RuleFixture, testCase: RuleCase, schema: string, catalog: MemoryCatalog) {
  const rule = rules.find((r) => r.id === fixture.rule);
  assert.ok(rule, `fixture ${fixture.rule} names no registered rule`);
  const setting: RuleSetting = {
    level: rule.severity,
    ...fixture.params,
    ...('params' in testCase ? testCase.params : {}),
  };
  const resolved = resolveRules(rules, { rules: { [rule.id]: setting }, profiles: {} }).filter(
    (r) => r.rule.id === rule.id,
  );
  const report = await reviewSql(testCase.sql, {
    rules: resolved,
    purpose: ('purpose' in testCase && testCase.purpose) || 'change',
    catalog: catalog.clone(),
    server: probe,
    schema,
    target: `local.${schema}`,
    shadow: shadowRunner({ scratch: pool, source: pool }),
  });
  return report.statements.flatMap((s) => s.findings).filter((f) => f.rule === fixture.rule);
}

for (const fixture of fixtures) {
  describe(fixture.rule, () => {
    let schema = '';
    let catalog: MemoryCatalog;
    before(async () => {
      schema = await createSchema(pool, 't_rules', fixture.schema);
      catalog = await loadCatalog(pool, [schema]);
    });
    after(() => dropSchema(pool, schema));

    for (const testCase of fixture.fire) {
      it(`fires: ${testCase.sql.slice(0, 70)}`, async () => {
        const found = await findingsOf(fixture, testCase, schema, catalog);
        assert.ok(found.length > 0, `expected ${fixture.rule} to fire`);
        if ('count' in testCase && testCase.count !== undefined) assert.equal(found.length, testCase.count);
        if ('line' in testCase && testCase.line !== undefined) assert.equal(found[0].line, testCase.line);
        if ('message' in testCase && testCase.message !== undefined)
          assert.match(found[0].message, new RegExp(testCase.message, 'i'));
        for (const f of found)
          assert.ok(
            f.message.length > 10 && f.why.length > 10 && f.fix.length > 10,
            'a finding says what, why and how to fix',
          );
      });
    }
    for (const testCase of fixture.pass) {
      it(`passes: ${testCase.sql.slice(0, 70)}`, async () => {
        const found = await findingsOf(fixture, testCase, schema, catalog);
        assert.deepEqual(
          found.map((f) => f.message),
          [],
          `expected ${fixture.rule} not to fire`,
        );
      });
    }
  });
}
