import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/kernel/errors.js';
import { loadApiTokens } from '../../../src/api/auth.js';
import { silentLogger } from '../../../src/kernel/logger.js';
import { WEBHOOK_EVENTS } from '../../../src/config/schema.js';
import { TICKET_STATES } from '../../../src/tickets/state-machine.js';

const BASE = `slack: { approval_channel: C0APPROVE, alert_channel: C0ALERTS }
clusters: { test: { env: test, primary: { host: 127.0.0.1 }, user: root } }
`;

function problemsOf(yaml: string): string[] {
  try {
    parseConfig(BASE + yaml);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected the config to be rejected');
}

describe('api.tokens in dbops.yml', () => {
  it('is off by default and takes named tokens with scopes', () => {
    assert.deepEqual(parseConfig(BASE).api.tokens, []);
    const config = parseConfig(
      `${BASE}api:\n  tokens:\n    - { name: ci, token_env: CI_TOKEN, scopes: [review, request], users: [U0DEV1] }\n`,
    );
    assert.deepEqual(config.api.tokens, [
      { name: 'ci', token_env: 'CI_TOKEN', scopes: ['review', 'request'], users: ['U0DEV1'] },
    ]);
  });

  it('says what is wrong, by path', () => {
    const problems = problemsOf(`api:
  tokens:
    - { name: ci, token_env: ci-token, scopes: [admin] }
    - { name: deploy, token_env: DEPLOY, scopes: [request] }
    - { name: deploy, token_env: OTHER, scopes: [] , token: abc }
`);
    assert.deepEqual(
      problems.sort(),
      [
        'api.tokens.0.scopes.0: expected one of "review", "request", got \'admin\'',
        "api.tokens.0.token_env: expected an environment variable name such as DBOPS_PROD_PASSWORD, got 'ci-token'",
        'api.tokens.2.scopes: give at least one scope: review, request, got a list',
        'api.tokens.2.token: unknown key (check the spelling; see dbops.example.yml)',
      ].sort(),
    );
  });

  it('a request token names its users; a name is used once', () => {
    const problems = problemsOf(`api:
  tokens:
    - { name: deploy, token_env: DEPLOY, scopes: [request] }
    - { name: deploy, token_env: OTHER, scopes: [review] }
`);
    assert.ok(
      problems.some((p) => /^api\.tokens\.0\.users: a token with the request scope names the Slack users/.test(p)),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => /^api\.tokens\.1\.name: 'deploy' is named twice/.test(p)),
      problems.join('\n'),
    );
  });

  it('tokens are matched on their value; one whose variable is unset is left out', () => {
    const config = parseConfig(
      `${BASE}api:\n  tokens:\n    - { name: a, token_env: TOKEN_A, scopes: [review] }\n    - { name: b, token_env: TOKEN_B, scopes: [review] }\n`,
    );
    const tokens = loadApiTokens(config, { TOKEN_A: 'secret-a' }, silentLogger());
    assert.equal(tokens.enabled, true);
    assert.equal(tokens.authenticate('Bearer secret-a')?.name, 'a');
    assert.equal(tokens.authenticate('bearer secret-a')?.name, 'a');
    for (const header of [undefined, '', 'Bearer', 'Bearer secret-b', 'Basic secret-a', 'Bearer secret-ax'])
      assert.equal(tokens.authenticate(header), undefined, String(header));
    assert.equal(loadApiTokens(config, {}, silentLogger()).enabled, false);
  });

  it('webhooks: an http(s) URL, the secret by variable name, known events', () => {
    assert.deepEqual(parseConfig(BASE).webhooks, []);
    const config = parseConfig(`${BASE}webhooks:\n  - { url: "https://ci.example.com/h", secret_env: HOOK_SECRET }\n`);
    assert.deepEqual(config.webhooks, [
      { url: 'https://ci.example.com/h', secret_env: 'HOOK_SECRET', attempts: 5, backoff_seconds: 1 },
    ]);
    const problems = problemsOf(`webhooks:
  - { url: "ftp://x", secret_env: HOOK, events: [ticket.exploded], secret: abc }
`);
    assert.ok(
      problems.some((p) => p.startsWith('webhooks.0.url: expected an http(s) URL')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('webhooks.0.events.0: expected one of "ticket.submitted"')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('webhooks.0.secret: unknown key')),
      problems.join('\n'),
    );
  });

  it('webhooks may ask for exactly one event per ticket state', () => {
    assert.deepEqual(
      [...WEBHOOK_EVENTS],
      TICKET_STATES.map((state) => `ticket.${state}`),
    );
  });
});
