import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.js';
import { grantKeyProblem } from '../../../src/config/secret-key.js';

const base = `
slack:
  dba_users: [U0DBA00001]
  approval_channel: C0APPROVALS
  alert_channel: C0DBALERTS
clusters:
  prod: { env: prod, primary: { host: 127.0.0.1 }, user: dbops }
`;

describe('grants in dbops.yml', () => {
  it('defaults: personal host %, max durations per environment, approvals from policy, empty personal accounts dropped', () => {
    const config = parseConfig(base);
    assert.equal(config.grants.personal_host, '%');
    assert.deepEqual(config.grants.max_duration, {
      prod: 7 * 86400,
      staging: 30 * 86400,
      test: 90 * 86400,
      dev: 90 * 86400,
    });
    assert.equal(config.grants.approvals, undefined);
    assert.equal(config.grants.drop_empty_personal_accounts, true);
    assert.equal(config.slack.accounts, undefined);
  });

  it('reads durations, approvals and the Slack → MySQL account mapping', () => {
    const config = parseConfig(
      base.replace('alert_channel: C0DBALERTS', 'alert_channel: C0DBALERTS\n  accounts: { U0DEV00001: alex }') +
        `grants:\n  personal_host: "10.0.%"\n  max_duration: { prod: 12h }\n  approvals: { prod: 2 }\n`,
    );
    assert.equal(config.grants.personal_host, '10.0.%');
    assert.deepEqual(config.grants.max_duration, { prod: 12 * 3600 });
    assert.deepEqual(config.grants.approvals, { prod: 2 });
    assert.equal(config.slack.accounts?.U0DEV00001, 'alex');
  });

  it('names the bad keys by path', () => {
    assert.throws(
      () =>
        parseConfig(
          base.replace('alert_channel: C0DBALERTS', 'alert_channel: C0DBALERTS\n  accounts: { U0DEV00001: "x\'y" }') +
            `grants:\n  personal_host: "a b"\n  max_duration: { prod: forever }\n`,
        ),
      (err: Error) =>
        /slack\.accounts\.U0DEV00001/.test(err.message) &&
        /grants\.personal_host/.test(err.message) &&
        /grants\.max_duration\.prod: expected a duration/.test(err.message),
    );
  });

  it('grants need the key in the environment: without it, what to set', () => {
    assert.match(
      grantKeyProblem({ keyEnv: 'DBOPS_SECRET_KEY', secrets: {} }) ?? '',
      /DBOPS_SECRET_KEY is not set: .* set DBOPS_SECRET_KEY to 32 random bytes/,
    );
    assert.match(
      grantKeyProblem({ keyEnv: 'DBOPS_SECRET_KEY', secrets: { DBOPS_SECRET_KEY: 'short' } }) ?? '',
      /expected 32 random bytes/,
    );
    assert.equal(grantKeyProblem({ keyEnv: 'K', secrets: { K: randomBytes(32).toString('base64') } }), undefined);
  });
});
