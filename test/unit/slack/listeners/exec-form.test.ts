import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../../src/config/load.js';
import { ids } from '../../../../src/slack/ids.js';
import { checkExecForm } from '../../../../src/slack/listeners/ticket-forms.js';

const config = parseConfig(`
slack: { approval_channel: C0APPROVALS, alert_channel: C0ALERTS }
clusters:
  local: { env: dev, primary: { host: 127.0.0.1 }, user: root }
  prod: { env: prod, primary: { host: db1 }, user: dbops, timezone: Asia/Shanghai }
`);
const NOW = new Date('2026-11-24T02:00:00.000Z');
const deps = { config, clock: { now: () => NOW } };
const f = ids.execModal;
const sql = 'UPDATE orders SET status = 2 WHERE id = 42';

describe('the exec form', () => {
  it('says every problem at once, each under its field', () => {
    const checked = checkExecForm({ cluster: '', schema: '', sql: '', date: '2026-11-25', time: '' }, deps);
    assert.ok(!checked.ok);
    assert.deepEqual(
      Object.keys(checked.errors).sort(),
      [f.clusterBlock, f.schemaBlock, f.sqlBlock, f.timeBlock].sort(),
    );
    assert.match(checked.errors[f.timeBlock], /Pick a time too/);
  });

  it('checks the picked start in the cluster zone, with the other fields', () => {
    const checked = checkExecForm(
      { cluster: 'prod', schema: 'shop', sql: '', date: '2020-01-01', time: '02:00' },
      deps,
    );
    assert.ok(!checked.ok);
    assert.deepEqual(Object.keys(checked.errors).sort(), [f.dateBlock, f.sqlBlock].sort());
  });

  it('a time alone is its next occurrence; nothing picked is as soon as approved', () => {
    const timed = checkExecForm({ cluster: 'prod', schema: 'shop', sql, date: '', time: '02:00' }, deps);
    assert.deepEqual(timed, { ok: true, target: { cluster: 'prod', schema: 'shop' }, runAt: '02:00' });
    const dated = checkExecForm({ cluster: 'prod', schema: 'shop', sql, date: '2026-11-25', time: '01:30' }, deps);
    assert.ok(dated.ok && dated.runAt === '2026-11-25 01:30');
    const now = checkExecForm({ cluster: 'local', schema: 'shop', sql, date: '', time: '' }, deps);
    assert.ok(now.ok && now.runAt === '');
  });

  it('only a schema name goes in the schema field', () => {
    const checked = checkExecForm({ cluster: 'prod', schema: 'prod.shop', sql, date: '', time: '' }, deps);
    assert.ok(!checked.ok);
    assert.match(checked.errors[f.schemaBlock], /Only the schema name here/);
  });

  it('a typed target (a form opened before an upgrade) gets "did you mean" for a cluster typo', () => {
    const checked = checkExecForm({ target: 'locl.shop', sql, runAt: '' }, deps);
    assert.ok(!checked.ok);
    assert.equal(
      checked.errors[f.targetBlock],
      'Cluster `locl` is not in dbops.yml — did you mean `local`? (known: local, prod)',
    );
  });
});
