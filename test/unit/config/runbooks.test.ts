import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/kernel/errors.js';

const BASE = `slack: { approval_channel: C0APPROVE, alert_channel: C0ALERTS }
clusters:
  local: { env: test, primary: { host: 127.0.0.1 }, user: root }
`;

function problemsOf(runbooks: string): string[] {
  try {
    parseConfig(`${BASE}runbooks:\n${runbooks}`);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected the config to be rejected');
}

describe('runbooks: in dbops.yml', () => {
  it('reads the shipped declarations, with run paths from the config file’s directory and durations in seconds', () => {
    const file = new URL('../../../dbops.example.yml', import.meta.url).pathname;
    const config = parseConfig(readFileSync(file, 'utf8'), file);
    assert.deepEqual(
      config.runbooks.map((r) => r.name),
      ['analyze-table', 'kill-user-queries', 'table-checksum'],
    );
    const kill = config.runbooks[1];
    assert.equal(kill.run, new URL('../../../runbooks/kill-user-queries.sh', import.meta.url).pathname);
    assert.equal(kill.timeout, 120);
    assert.deepEqual(kill.params.older_than, {
      type: 'duration',
      description: 'kill queries running at least this long',
      min: 1,
      max: 86_400,
      default: 60,
    });
    assert.equal(kill.idempotent, false);
    assert.deepEqual(kill.approvals, {});
  });

  it('defaults: no runbooks; a runbook’s timeout 10 minutes, not idempotent, no secrets', () => {
    assert.deepEqual(parseConfig(BASE).runbooks, []);
    const [r] = parseConfig(
      `${BASE}runbooks:\n  - { name: a, summary: s, run: /bin/true, params: { c: { type: cluster } } }\n`,
    ).runbooks;
    assert.deepEqual([r.timeout, r.idempotent, r.secrets, r.envs], [600, false, [], undefined]);
  });

  const cases: Array<[string, string, RegExp]> = [
    [
      'an unknown param type',
      '  - { name: a, summary: s, run: x, params: { c: { type: cluster }, n: { type: number } } }',
      /^runbooks\.0\.params\.n\.type: expected one of "cluster", "schema", "table", "int", "duration", "enum", "text", got 'number'/,
    ],
    [
      'min above max',
      '  - { name: a, summary: s, run: x, params: { c: { type: cluster }, n: { type: int, min: 5, max: 1 } } }',
      /^runbooks\.0\.params\.n\.max: must be at least min \(5\)/,
    ],
    [
      'a default outside the range',
      '  - { name: a, summary: s, run: x, params: { c: { type: cluster }, d: { type: duration, max: 1m, default: 2h } } }',
      /^runbooks\.0\.params\.d\.default: must be within min and max/,
    ],
    [
      'a duration that is not one',
      '  - { name: a, summary: s, run: x, timeout: soon, params: { c: { type: cluster } } }',
      /^runbooks\.0\.timeout: expected a duration such as 30s, 10m, 1h30m or 2d/,
    ],
    [
      'a pattern that does not compile',
      '  - { name: a, summary: s, run: x, params: { c: { type: cluster }, t: { type: text, pattern: "[a-" } } }',
      /^runbooks\.0\.params\.t\.pattern: not a valid regular expression/,
    ],
    [
      'an enum default not among its values',
      '  - { name: a, summary: s, run: x, params: { c: { type: cluster }, e: { type: enum, values: [a, b], default: c } } }',
      /^runbooks\.0\.params\.e\.default: must be one of values \(a, b\)/,
    ],
    [
      'no cluster, schema or table param',
      '  - { name: a, summary: s, run: x, params: { n: { type: int } } }',
      /^runbooks\.0\.params: declare one param of type cluster, schema or table/,
    ],
    [
      'two target params',
      '  - { name: a, summary: s, run: x, params: { c: { type: cluster }, t: { type: table } } }',
      /^runbooks\.0\.params: only one param may be of type cluster, schema or table \(found c, t\)/,
    ],
    [
      'a name declared twice',
      '  - { name: a, summary: s, run: x, params: { c: { type: cluster } } }\n  - { name: a, summary: t, run: y, params: { c: { type: cluster } } }',
      /^runbooks\.1\.name: 'a' is declared twice/,
    ],
    [
      'an unknown key',
      '  - { name: a, summary: s, run: x, aprovals: {}, params: { c: { type: cluster } } }',
      /^runbooks\.0\.aprovals: unknown key/,
    ],
    [
      'an environment that does not exist',
      '  - { name: a, summary: s, run: x, envs: [production], params: { c: { type: cluster } } }',
      /^runbooks\.0\.envs\.0: expected one of "prod", "staging", "test", "dev", got 'production'/,
    ],
    [
      'a missing run',
      '  - { name: a, summary: s, params: { c: { type: cluster } } }',
      /^runbooks\.0\.run: required \(expected a string\)/,
    ],
  ];
  for (const [what, yaml, expected] of cases) {
    it(`says where and what for ${what}`, () => {
      const problems = problemsOf(`${yaml}\n`);
      assert.ok(
        problems.some((p) => expected.test(p)),
        `expected ${expected} among:\n${problems.join('\n')}`,
      );
    });
  }
});
