import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { generatePassword, nativePasswordHash, PASSWORD_LENGTH } from '../../../src/accounts/password.js';
import { createPasswordCipher } from '../../../src/accounts/password-store.js';
import { formatDuration, parseSpan } from '../../../src/text/duration.js';

describe('passwords', () => {
  it('are long, mixed and different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      assert.equal(p.length, PASSWORD_LENGTH);
      assert.match(p, /[A-Z]/);
      assert.match(p, /[a-z]/);
      assert.match(p, /[0-9]/);
      assert.match(p, /[-_.+]/);
      assert.match(p, /^[A-Za-z0-9_.+-]+$/);
      seen.add(p);
    }
    assert.equal(seen.size, 200);
  });

  it("hash like the server's PASSWORD() (mysql_native_password)", () => {
    // SELECT PASSWORD('secret') on MariaDB
    assert.equal(nativePasswordHash('secret'), '*14E65567ABDB5135D0CFD9A70B3032C179A49EE7');
    const twice = createHash('sha1').update(createHash('sha1').update('x').digest()).digest('hex').toUpperCase();
    assert.equal(nativePasswordHash('x'), `*${twice}`);
  });

  it('are sealed with AES-256-GCM for one grant of one installation', () => {
    const key = randomBytes(32);
    const cipher = createPasswordCipher(key, 'ainstall01');
    const sealed = cipher.encrypt(7, 'Pa55-word');
    assert.equal(sealed.iv.length, 12);
    assert.equal(sealed.tag.length, 16);
    assert.ok(!sealed.ciphertext.toString('latin1').includes('Pa55'));
    assert.equal(cipher.decrypt(7, sealed), 'Pa55-word');
    assert.throws(() => cipher.decrypt(8, sealed), 'another grant');
    assert.throws(() => createPasswordCipher(key, 'binstall02').decrypt(7, sealed), 'another installation');
    assert.throws(() => createPasswordCipher(randomBytes(32), 'ainstall01').decrypt(7, sealed), 'another key');
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    tampered.ciphertext[0] ^= 1;
    assert.throws(() => cipher.decrypt(7, tampered), 'a changed byte');
  });
});

describe('durations', () => {
  it('reads and writes the units people type', () => {
    assert.equal(parseSpan('8h'), 8 * 3600);
    assert.equal(parseSpan('7d'), 7 * 86400);
    assert.equal(parseSpan(' 2W '), 14 * 86400);
    assert.equal(parseSpan('45s'), 45);
    for (const bad of ['', 'h', '8', '8 hours', '-1h', '0d', '1y']) assert.equal(parseSpan(bad), null, bad);
    assert.equal(formatDuration(7 * 86400), '7d');
    assert.equal(formatDuration(8 * 86400), '8d');
    assert.equal(formatDuration(5400), '1h30m');
    assert.equal(formatDuration(45), '45s');
  });
});
