import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseConfig, parseEnv } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/kernel/errors.js';

function problemsOf(yaml: string): string[] {
  try {
    parseConfig(yaml);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected the config to be rejected');
}

const SLACK = 'slack: { approval_channel: C0APPROVE, alert_channel: C0ALERTS }\n';

describe('dbops.yml', () => {
  it('accepts the shipped example', () => {
    const config = parseConfig(readFileSync(new URL('../../../dbops.example.yml', import.meta.url), 'utf8'));
    assert.equal(config.clusters.local.env, 'test');
    assert.equal(config.clusters.local.primary.port, 3306);
  });

  it('lists every problem by its YAML path, with what was expected and what was found', () => {
    const problems = problemsOf(`${SLACK}clusters:
  prod:
    env: prd
    primary: { host: db1, port: abc }
    user: dbops
    pasword_env: X
    peak_hours: ["9-12"]
policy:
  approvals: { prod: two }
`);
    const expected: Array<[string, RegExp]> = [
      ['clusters.prod.env', /expected one of "prod", "staging", "test", "dev", got 'prd'/],
      ['clusters.prod.primary.port', /expected a number, got 'abc'/],
      ['clusters.prod.pasword_env', /unknown key/],
      ['clusters.prod.peak_hours.0', /09:00-12:00/],
      ['policy.approvals.prod', /expected a number, got 'two'/],
    ];
    for (const [path, message] of expected) {
      const line = problems.find((p) => p.startsWith(`${path}:`));
      assert.ok(line, `no problem reported for ${path}; got:\n${problems.join('\n')}`);
      assert.match(line, message);
    }
    assert.equal(problems.length, expected.length, problems.join('\n'));
  });

  it('names missing required keys', () => {
    const problems = problemsOf(`${SLACK}clusters:\n  prod:\n    env: prod\n`);
    assert.ok(problems.includes('clusters.prod.primary: required (expected a mapping)'), problems.join('\n'));
    assert.ok(problems.includes('clusters.prod.user: required (expected a string)'), problems.join('\n'));
  });

  it('reports YAML syntax errors with their position', () => {
    const problems = problemsOf('slack: [unclosed\n');
    assert.match(problems[0], /^YAML syntax: .*at line 2, column 1$/);
  });

  it('refuses a YAML alias bomb as a config problem, not a crash', () => {
    const lines = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [name, previous] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
      ['g', 'f'],
      ['h', 'g'],
      ['i', 'h'],
    ])
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    const problems = problemsOf(lines.join('\n'));
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /^YAML aliases: they expand to more than 100 copies/);
  });

  it('refuses an alias used before its anchor as a config problem', () => {
    const problems = problemsOf(`${SLACK}clusters: *nowhere\n`);
    assert.match(problems[0], /^YAML aliases: Unresolved alias/);
  });

  it('still reads a config that uses a few aliases', () => {
    const config = parseConfig(`${SLACK}clusters:
  prod: &base
    env: prod
    primary: { host: db1 }
    user: dbops
  prod2: *base
`);
    assert.equal(config.clusters.prod2.primary.host, 'db1');
  });

  it('refuses cluster names that every JavaScript object already has, and __proto__ keys anywhere', () => {
    const cluster = (name: string) => `  ${name}:\n    env: test\n    primary: { host: db1 }\n    user: dbops\n`;
    assert.deepEqual(problemsOf(`${SLACK}clusters:\n${cluster('prod')}${cluster('constructor')}`), [
      'clusters.constructor: this name is reserved (every JavaScript object has a property called so); name the cluster differently',
    ]);
    assert.deepEqual(problemsOf(`${SLACK}clusters:\n${cluster('prod')}${cluster('toString')}`), [
      'clusters.toString: expected a cluster name of lower-case letters, digits, - or _',
    ]);
    assert.deepEqual(problemsOf(`${SLACK}clusters:\n${cluster('prod')}${cluster('__proto__')}`), [
      "clusters.__proto__: '__proto__' cannot be a key in dbops.yml (it would be dropped unseen)",
    ]);
    assert.deepEqual(problemsOf(`${SLACK}clusters:\n${cluster('prod')}review:\n  rules:\n    __proto__: off\n`), [
      "review.rules.__proto__: '__proto__' cannot be a key in dbops.yml (it would be dropped unseen)",
    ]);
  });

  it('keeps the clusters in a table without a prototype, so a lookup finds only them', () => {
    const config = parseConfig(
      `${SLACK}clusters:\n  prod:\n    env: prod\n    primary: { host: db1 }\n    user: dbops\n`,
    );
    assert.equal(Object.getPrototypeOf(config.clusters), null);
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'])
      assert.equal(config.clusters[name], undefined, name);
    assert.deepEqual(Object.keys(config.clusters), ['prod']);
  });

  it('checks references between sections and time zones', () => {
    const problems = problemsOf(
      `${SLACK}clusters:\n  prod: { env: prod, primary: { host: a }, user: u, timezone: Mars/Base }\nreview: { scratch_cluster: nope }\n`,
    );
    assert.ok(
      problems.some((p) =>
        /review\.scratch_cluster: cluster 'nope' is not defined under clusters \(known: prod\)/.test(p),
      ),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /clusters\.prod\.timezone: 'Mars\/Base' is not an IANA time zone/.test(p)),
      problems.join('\n'),
    );
  });

  it('reads the environment with its documented defaults', () => {
    const env = parseEnv({});
    assert.equal(env.PORT, 3000);
    assert.equal(env.DBOPS_ROLE, 'all');
    assert.equal(env.SLACK_API_URL, 'https://slack.com/api/');
    assert.throws(
      () => parseEnv({ DBOPS_ROLE: 'boss' }),
      /DBOPS_ROLE: expected one of "all", "bot", "worker", got 'boss'/,
    );
  });
});
