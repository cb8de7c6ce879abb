import assert from 'node:assert/strict';
import { it } from 'node:test';
import { reviewSql } from '../../../src/review/engine.js';
import { redactSecrets } from '../../../src/review/redact.js';
import { rules } from '../../../src/review/rules/index.js';
import { defaultRules } from '../../../src/review/settings.js';

const cases: Array<[string, string]> = [
  ["CREATE USER 'app'@'%' IDENTIFIED BY 's3cr3t'", "CREATE USER 'app'@'%' IDENTIFIED BY '***'"],
  [
    "ALTER USER app IDENTIFIED WITH mysql_native_password BY 'it''s'",
    "ALTER USER app IDENTIFIED WITH mysql_native_password BY '***'",
  ],
  [
    "GRANT SELECT ON db.* TO app IDENTIFIED BY PASSWORD '*ABCDEF'",
    "GRANT SELECT ON db.* TO app IDENTIFIED BY PASSWORD '***'",
  ],
  ["SET PASSWORD FOR app = PASSWORD('x\\'y')", "SET PASSWORD FOR app = PASSWORD('***')"],
  [
    'CHANGE MASTER TO MASTER_HOST=\'db1\', MASTER_PASSWORD="pw"',
    "CHANGE MASTER TO MASTER_HOST='db1', MASTER_PASSWORD='***'",
  ],
  ['SELECT password FROM users WHERE id = 1', 'SELECT password FROM users WHERE id = 1'],
];

it('masks passwords wherever SQL writes them, and nothing else', () => {
  for (const [input, expected] of cases) assert.equal(redactSecrets(input), expected);
});

it('a review report never carries the password of an account statement', async () => {
  const report = await reviewSql("CREATE USER 'app'@'%' IDENTIFIED BY 'hunter2'", {
    rules: defaultRules(rules),
    purpose: 'change',
  });
  assert.ok(!JSON.stringify(report).includes('hunter2'));
  assert.ok(report.statements[0].findings.some((f) => f.rule === 'statement.grant-in-change'));
});
