import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InstallationId, newInstallationId } from '../../../src/db/installation.js';

it('installation ids are short, start with a letter, and differ', () => {
  const ids = Array.from({ length: 1000 }, () => newInstallationId());
  for (const id of ids) {
    assert.match(id, /^[a-z][0-9a-z]{9}$/);
    assert.ok(InstallationId.safeParse(id).success);
  }
  assert.equal(new Set(ids).size, ids.length);
  for (const bad of ['', '1abcdefgh', 'ABCDEFGHJK', 'abc', 'abc:defghj', 'abcdefghjkmnp'])
    assert.ok(!InstallationId.safeParse(bad).success, bad);
});
