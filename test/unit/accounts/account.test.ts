import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountKey, parseAccount, personalUserName, protectedAccountReason } from '../../../src/accounts/account.js';

describe('accounts', () => {
  it('reads user@host in the ways people write it', () => {
    for (const [text, user, host] of [
      ["app@'10.0.%'", 'app', '10.0.%'],
      ["'app'@'%'", 'app', '%'],
      ['app@localhost', 'app', 'localhost'],
      ['app@%', 'app', '%'],
      ['`app`@`10.1.2.0/255.255.255.0`', 'app', '10.1.2.0/255.255.255.0'],
    ])
      assert.deepEqual(parseAccount(text), { ok: true, account: { user, host } }, text);
  });

  it('refuses what could break out of the quotes, or is no account', () => {
    for (const text of ['app', "a'b@'%'", "app@'%' OR 1", 'app@h\\x', '@%', 'app@', `${'x'.repeat(33)}@%`])
      assert.equal(parseAccount(text).ok, false, text);
  });

  it('names personal accounts from slack.accounts, else from the Slack name', () => {
    const mapping = { U0DEV00001: 'alex' };
    assert.equal(personalUserName('U0DEV00001', 'Alex Developer', mapping), 'alex');
    assert.equal(personalUserName('U0OTHER001', 'Jean-Luc.Picard', mapping), 'jean_luc_picard');
    assert.equal(personalUserName('U0OTHER001', 'dev.one', mapping), 'dev_one');
    assert.equal(personalUserName('U0OTHER001', `${'a'.repeat(31)}.bbbb`, mapping), 'a'.repeat(31));
    assert.equal(personalUserName('U0OTHER001', '李雷', mapping), undefined);
    assert.equal(personalUserName('constructor', 'x', mapping), 'x');
  });

  it('protects the server accounts and dbops own', () => {
    assert.match(protectedAccountReason({ user: 'root', host: '%' }, 'dbops') ?? '', /server's own/);
    assert.match(protectedAccountReason({ user: 'dbops', host: '10.%' }, 'dbops') ?? '', /dbops itself uses/);
    assert.equal(protectedAccountReason({ user: 'app', host: '%' }, 'dbops'), undefined);
  });

  it('matches hosts case-insensitively, users exactly', () => {
    assert.equal(accountKey({ user: 'app', host: 'DB.example' }), accountKey({ user: 'app', host: 'db.example' }));
    assert.notEqual(accountKey({ user: 'App', host: '%' }), accountKey({ user: 'app', host: '%' }));
  });
});
