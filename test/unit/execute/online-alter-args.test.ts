import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExecutionSection } from '../../../src/config/schema.js';
import { optionFile, oscArguments, oscTableNames } from '../../../src/execute/online-alter.js';
import { oscDsn, toolNameProblem, toolNameRefusal } from '../../../src/execute/osc-dsn.js';
import { oscButtons, oscPanel, readAttemptValue, rollbackOffer } from '../../../src/slack/views/execution.js';

const settings = ExecutionSection.parse({}).pt_osc;

describe('running pt-online-schema-change', () => {
  it('passes no credential on the command line: they go in an option file the DSN names', () => {
    const args = oscArguments({
      clause: 'ADD INDEX i (c)',
      settings,
      pauseFile: '/tmp/d/pause',
      optionFile: '/tmp/d/client.cnf',
      server: { host: 'db1.internal', port: 3307 },
      table: { schema: 'shop', name: 'orders' },
      newTable: '_orders_new',
    });
    assert.ok(!args.some((a) => /password|^-p|^--user|^-u/.test(a)), args.join(' '));
    assert.equal(args.at(-1), 'D=shop,t=orders,F=/tmp/d/client.cnf,h=db1.internal,P=3307');
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
            server: { host: 'h', port: 3306 },
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
        server: { host: 'h', port: 3306 },
        table: { schema: 's', name: 't' },
        newTable: 'n',
      }).includes('--max-lag'),
    );
  });
  // Issue 12 item 4: `items,h=attacker,P=3306` made the tool connect to another host with the cluster's password.
  it('never builds a DSN from a name the tool would read as more settings', () => {
    const injected = { schema: 'shop', name: 'items,h=attacker,P=3306' };
    assert.throws(
      () =>
        oscArguments({
          clause: 'ADD INDEX i (c)',
          settings,
          pauseFile: '/run/d/pause',
          optionFile: '/run/d/client.cnf',
          server: { host: 'db1', port: 3306 },
          table: injected,
          newTable: '_x_new',
        }),
      /the table name `items,h=attacker,P=3306` contains `,` and `=`, which pt-online-schema-change reads as separators/,
    );
    for (const name of ['a,b', 'h=x', 'a\\', 'x;host=evil', 'x:evil', '[x]', 'a\nb']) {
      assert.ok(toolNameProblem({ schema: 'shop', name }), name);
      assert.ok(toolNameProblem({ schema: name, name: 'items' }), `schema ${name}`);
    }
    for (const name of ['items', 'order items', 'ünïcode_tbl', 'a-b$c', 'x`y'])
      assert.equal(toolNameProblem({ schema: 'shop', name }), null, name);
    assert.equal(
      oscDsn({ table: { schema: 'shop', name: 'items' }, optionFile: '/s/run/f.cnf', host: '::1', port: 3306 }),
      'D=shop,t=items,F=/s/run/f.cnf,h=[::1],P=3306',
    );
    assert.throws(
      () => oscDsn({ table: { schema: 'shop', name: 'items' }, optionFile: '/s,h=x/f.cnf', host: 'db', port: 3306 }),
      /option file path/,
    );
    assert.throws(
      () => oscDsn({ table: { schema: 'shop', name: 'items' }, optionFile: '/f.cnf', host: 'db,h=x', port: 3306 }),
      /cannot be pointed at the host/,
    );
  });
  it('refuses such a name before a ticket opens, for the ALTERs that could go through the tool', () => {
    assert.match(
      toolNameRefusal(
        'UPDATE t SET a = 1 WHERE id = 1;\nALTER TABLE `items,h=attacker,P=3306` ADD INDEX i (v)',
        'shop',
      ) ?? '',
      /^statement 2 cannot be run: the table name `items,h=attacker,P=3306` contains `,` and `=`.* rename the table, or ask a DBA to run this ALTER by hand\.$/,
    );
    assert.match(toolNameRefusal('ALTER TABLE `sh;op`.items ADD INDEX i (v)', 'shop') ?? '', /the schema name `sh;op`/);
    assert.equal(toolNameRefusal('ALTER TABLE items ADD INDEX i (v)', 'shop'), null);
    // One the author runs in place (ALGORITHM/LOCK of its own) never reaches the tool.
    assert.equal(toolNameRefusal('ALTER TABLE `a,b` ADD INDEX i (v), ALGORITHM=INPLACE, LOCK=NONE', 'shop'), null);
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
