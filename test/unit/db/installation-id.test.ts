import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InstallationId, newInstallationId } from '../../../src/db/installation.js';
import { backupTableName } from '../../../src/execute/names.js';
import { installationPrefix, partJobId, ticketJobId } from '../../../src/queue/queues.js';

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

it('what dbops names outside its meta database carries the installation id', () => {
  const id = 'k3x9m2q7za';
  assert.equal(ticketJobId(id, 42, 1), 'ticket-k3x9m2q7za-42-attempt-1');
  assert.equal(partJobId(id, 42, 1, 7), 'ticket-k3x9m2q7za-42-attempt-1-part-7');
  assert.equal(installationPrefix('bull', id), 'bull:k3x9m2q7za');
  assert.equal(backupTableName(id, 42, 3, 'orders'), 'k3x9m2q7za_t42_3_orders');
  const long = backupTableName(id, 123456789, 999, 'x'.repeat(64));
  assert.equal(long.length, 64, 'cut to a MySQL identifier');
  assert.ok(long.startsWith('k3x9m2q7za_t123456789_999_'));
});
