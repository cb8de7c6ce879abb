import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reviewSql } from '../../../src/review/engine.js';
import { rules } from '../../../src/review/rules/index.js';
import { resolveRules } from '../../../src/review/settings.js';
import type { RuleSetting } from '../../../src/config/schema.js';
import { loadRuleFixtures, type RuleCase, type RuleFixture } from '../../support/rule-fixtures.js';

/** Text rules run here; fixtures with a `schema` need MariaDB and run in test/integration. */
const fixtures = loadRuleFixtures().filter((f) => f.schema === undefined);

async function findingsOf(fixture: RuleFixture, testCase: RuleCase) {
  const rule = rules.find((r) => r.id === fixture.rule);
  assert.ok(rule, `fixture ${fixture.rule} names no registered rule`);
  const setting: RuleSetting = {
    level: rule.severity,
    ...fixture.params,
    ...('params' in testCase ? testCase.params : {}),
  };
  const resolved = resolveRules(rules, { rules: { [rule.id]: setting }, profiles: {} });
  const report = await reviewSql(testCase.sql, {
    rules: resolved,
    purpose: ('purpose' in testCase && testCase.purpose) || 'change',
  });
  return report.statements.flatMap((s) => s.findings).filter((f) => f.rule === fixture.rule);
}

for (const fixture of fixtures) {
  describe(fixture.rule, () => {
    for (const testCase of fixture.fire) {
      it(`fires: ${testCase.sql.slice(0, 70)}`, async () => {
        const found = await findingsOf(fixture, testCase);
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
        const found = await findingsOf(fixture, testCase);
        assert.deepEqual(
          found.map((f) => f.message),
          [],
          `expected ${fixture.rule} not to fire`,
        );
      });
    }
  });
}
