import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GRANT_RULES, type GrantReviewContext, reviewGrant } from '../../../src/accounts/review.js';
import type { GrantSpec } from '../../../src/accounts/spec.js';

const spec = (over: Partial<GrantSpec> = {}): GrantSpec => ({
  cluster: 'prod',
  schema: 'shop',
  table: null,
  privileges: ['SELECT'],
  account: { user: 'app', host: '10.0.%' },
  personal: false,
  duration_seconds: 3600,
  reason: null,
  ...over,
});
const prod: GrantReviewContext = {
  environment: 'prod',
  maxDurationSeconds: 7 * 86400,
  dbopsUser: 'dbops',
  backupSchema: 'dbops_backup',
};
const test: GrantReviewContext = { ...prod, environment: 'test', maxDurationSeconds: 90 * 86400 };

function rules(review: ReturnType<typeof reviewGrant>): string[] {
  assert.equal(review.refused, null);
  return review.refused === null ? review.findings.map((f) => `${f.rule}:${f.severity}`) : [];
}

describe('least-privilege review of a grant', () => {
  it('a narrow grant passes clean', () => assert.deepEqual(rules(reviewGrant(spec(), prod)), []));

  for (const privilege of ['ALL', 'SUPER', 'GRANT OPTION', 'FILE', 'PROCESS', 'SHUTDOWN'] as const)
    it(`${privilege} is an error on every environment`, () => {
      const s = spec({ schema: null, privileges: ['SELECT', privilege] });
      assert.ok(rules(reviewGrant(s, test)).includes(`${GRANT_RULES.dangerousPrivilege}:error`));
    });

  it('*.* is an error on prod, a warning elsewhere', () => {
    assert.deepEqual(rules(reviewGrant(spec({ schema: null }), prod)), [`${GRANT_RULES.everySchema}:error`]);
    assert.deepEqual(rules(reviewGrant(spec({ schema: null }), test)), [`${GRANT_RULES.everySchema}:warning`]);
  });

  it("host '%' is a warning on prod only", () => {
    const any = spec({ account: { user: 'app', host: '%' } });
    assert.deepEqual(rules(reviewGrant(any, prod)), [`${GRANT_RULES.anyHost}:warning`]);
    assert.deepEqual(rules(reviewGrant(any, test)), []);
  });

  it('a duration over grants.max_duration is refused, naming the rule and the limit', () => {
    const review = reviewGrant(spec({ duration_seconds: 8 * 86400 }), prod);
    assert.equal(review.refused !== null && review.rule, GRANT_RULES.maxDuration);
    assert.match(review.refused ?? '', /8d is longer than grants\.max_duration allows on prod \(7d\)/);
    assert.equal(reviewGrant(spec({ duration_seconds: 7 * 86400 }), prod).refused, null);
  });

  it('system schemas, the backup schema and protected accounts are refused', () => {
    for (const s of [
      spec({ schema: 'mysql' }),
      spec({ schema: 'DBOPS_BACKUP' }),
      spec({ account: { user: 'root', host: '%' } }),
    ]) {
      const review = reviewGrant(s, test);
      assert.equal(review.refused !== null && review.rule, GRANT_RULES.protectedTarget);
    }
  });
});
