import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadSecretKey, secretKeyStatus } from '../../../src/config/secret-key.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbops-key-'));
  dirs.push(dir);
  return join(dir, 'state');
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("dbops' secret key", () => {
  it('comes from the variable secrets.key_env names', () => {
    const key = randomBytes(32);
    const loaded = loadSecretKey({
      keyEnv: 'MY_KEY',
      secrets: { MY_KEY: key.toString('base64') },
      stateDir: freshDir(),
    });
    assert.deepEqual(loaded, { key, source: 'env', origin: 'MY_KEY' });
  });

  it('refuses a key that is not 32 bytes of base64, without repeating it', () => {
    for (const value of ['c2hvcnQ=', 'not base64 at all!', randomBytes(48).toString('base64')])
      assert.throws(
        () => loadSecretKey({ keyEnv: 'DBOPS_SECRET_KEY', secrets: { DBOPS_SECRET_KEY: value }, stateDir: freshDir() }),
        (err: Error) =>
          /DBOPS_SECRET_KEY: expected 32 random bytes in base64 \(make one with `openssl rand -base64 32`\)/.test(
            err.message,
          ) && !err.message.includes(value),
      );
  });

  it('without the variable: generated once, 0600 in a 0700 directory, and the same key at the next start', () => {
    const stateDir = freshDir();
    const input = { keyEnv: 'DBOPS_SECRET_KEY', secrets: {}, stateDir };
    const first = loadSecretKey(input);
    assert.equal(first.source, 'generated');
    assert.equal(first.key.length, 32);
    assert.equal(statSync(stateDir).mode & 0o777, 0o700);
    assert.equal(statSync(first.origin).mode & 0o777, 0o600);
    const again = loadSecretKey(input);
    assert.equal(again.source, 'file');
    assert.deepEqual(again.key, first.key);
    assert.equal(Buffer.from(readFileSync(first.origin, 'utf8').trim(), 'base64').length, 32);
  });

  it('refuses a key file other users can read', () => {
    const stateDir = freshDir();
    const { origin } = loadSecretKey({ keyEnv: 'DBOPS_SECRET_KEY', secrets: {}, stateDir });
    chmodSync(origin, 0o644);
    assert.throws(
      () => loadSecretKey({ keyEnv: 'DBOPS_SECRET_KEY', secrets: {}, stateDir }),
      /is readable by other users \(mode 644\); run `chmod 600/,
    );
  });

  it('dbops doctor: ok with the variable, a warning without it (hosts must share one key), a problem when it is bad', () => {
    const stateDir = freshDir();
    const status = (secrets: NodeJS.ProcessEnv) => secretKeyStatus({ keyEnv: 'DBOPS_SECRET_KEY', secrets, stateDir });
    assert.deepEqual(status({ DBOPS_SECRET_KEY: randomBytes(32).toString('base64') }), {
      level: 'ok',
      text: 'DBOPS_SECRET_KEY is set',
    });
    const before = status({});
    assert.equal(before.level, 'warning');
    assert.match(
      before.text,
      /will generate a key in .*secret\.key at its first start; every host .* must seal with the same key: set DBOPS_SECRET_KEY/,
    );
    loadSecretKey({ keyEnv: 'DBOPS_SECRET_KEY', secrets: {}, stateDir });
    assert.match(status({}).text, /this host seals approvals with the key in .*secret\.key/);
    assert.equal(status({ DBOPS_SECRET_KEY: 'short' }).level, 'problem');
  });
});
