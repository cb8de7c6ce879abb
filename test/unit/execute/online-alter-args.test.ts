import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExecutionSection } from '../../../src/config/schema.js';
import { optionFile, oscArguments, oscTableNames } from '../../../src/execute/online-alter.js';
import { oscButtons, oscPanel, readAttemptValue, rollbackOffer } from '../../../src/slack/views/execution.js';

const settings = ExecutionSection.parse({}).pt_osc;

describe('running pt-online-schema-change', () => {
  it('passes no credential on the command line: they go in an option file the DSN names', () => {
    const args = oscArguments({
      clause: 'ADD INDEX i (c)',
      settings,
      pauseFile: '/tmp/d/pause',
      optionFile: '/tmp/d/client.cnf',
      table: { schema: 'shop', name: 'orders' },
      newTable: '_orders_new',
    });
    assert.ok(!args.some((a) => /password|^-p|^--user|^-u/.test(a)), args.join(' '));
    assert.equal(args.at(-1), 'F=/tmp/d/client.cnf,D=shop,t=orders');
    for (const flag of ['--no-swap-tables', '--no-drop-triggers', '--no-drop-new-table', '--execute'])
      assert.ok(args.includes(flag), flag);
    assert.deepEqual(args.slice(args.indexOf('--pause-file'), args.indexOf('--pause-file') + 2), [
      '--pause-file',
      '/tmp/d/pause',
    ]);
  });
  it('refuses extra arguments that would change what dbops relies on', () => {
    for (const bad of ['--swap-tables', '--password=x', '-pSECRET', '--pause-file=/x', '--dry-run']) {
      assert.throws(
        () =>
          oscArguments({
            clause: 'x',
            settings: { ...settings, extra_args: [bad] },
            pauseFile: 'p',
            optionFile: 'f',
            table: { schema: 's', name: 't' },
            newTable: 'n',
          }),
        /may not set/,
      );
    }
    assert.ok(
      oscArguments({
        clause: 'x',
        settings: { ...settings, extra_args: ['--max-lag', '5'] },
        pauseFile: 'p',
        optionFile: 'f',
        table: { schema: 's', name: 't' },
        newTable: 'n',
      }).includes('--max-lag'),
    );
  });
  it('quotes the option file values', () => {
    assert.equal(
      optionFile({ host: 'db1', port: 3306, user: 'dbops', password: 'a"b\\c' }),
      '[client]\nhost="db1"\nport=3306\nuser="dbops"\npassword="a\\"b\\\\c"\n',
    );
  });
  it('names the copy and the old table within 64 characters', () => {
    assert.deepEqual(oscTableNames('orders'), { newTable: '_orders_new', oldTable: '_orders_old' });
    assert.equal(oscTableNames('x'.repeat(70)).newTable.length, 64);
  });
});

describe('the online ALTER panel and the rollback offer', () => {
  it('shows only the buttons that can work in each phase', () => {
    assert.deepEqual(oscButtons('copying'), ['pause']);
    assert.deepEqual(oscButtons('paused'), ['resume']);
    assert.deepEqual(oscButtons('ready'), ['cutOver']);
    assert.deepEqual(oscButtons('done'), []);
    const panel = oscPanel({ id: 42, ref: 'T-42' }, 2, {
      phase: 'ready',
      table: 'shop.orders',
      percent: 100,
      detail: 'waiting',
    });
    const actions = panel.blocks.find((b) => b.type === 'actions');
    assert.ok(actions && actions.type === 'actions');
    assert.deepEqual(
      actions.elements.map((e) => ('value' in e ? e.value : null)),
      ['T-42/2'],
    );
    assert.deepEqual(readAttemptValue('T-42/2'), { ticketId: 42, attempt: 2 });
    assert.equal(readAttemptValue('T-42'), null);
  });
  it('offers the rollback of a finished ticket with a confirmation', () => {
    const offer = rollbackOffer({ id: 42, ref: 'T-42' }, 2, 1204, 'dbops_backup');
    assert.match(offer.text, /rollback T-42/);
    assert.match(JSON.stringify(offer.blocks), /"confirm"/);
  });
});
