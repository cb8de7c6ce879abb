import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import mysql from 'mysql2/promise';
import { openRuntimeDir, type RuntimeDir } from '../../../src/config/runtime-dir.js';
import { ExecutionSection } from '../../../src/config/schema.js';
import { instanceOptions } from '../../../src/db/connection-options.js';
import { poolCredentials } from '../../../src/execute/credentials.js';
import { findTool, type OscRequests, type OscState } from '../../../src/execute/online-alter.js';
import { removeOscLeftovers, type OscLeftovers } from '../../../src/execute/osc-leftovers.js';
import { runStatements, type RunDeps } from '../../../src/execute/run.js';
import { queryable } from '../../../src/execute/session.js';
import { startKillGate } from '../../support/kill-gate.js';
import { waitUntil } from '../../support/wait.js';
import { localCluster, openTarget, request, type TargetDb } from './fixtures.js';
import { plainToMrkdwn } from '../../../src/text/mrkdwn.js';

/** A control the test drives in place of Slack, recording every state the run reports. */
function testControl() {
  const wanted: OscRequests = { paused: false, cutOver: null };
  const states: OscState[] = [];
  const left: OscLeftovers[] = [];
  return {
    wanted,
    states,
    left,
    control: {
      read: async () => ({ ...wanted }),
      report: async (s: OscState) => void states.push(s),
      leftovers: async (l: OscLeftovers) => void left.push(l),
    },
    async until(phase: OscState['phase']): Promise<void> {
      for (let i = 0; i < 600 && !states.some((s) => s.phase === phase); i++) await sleep(50);
      assert.ok(
        states.some((s) => s.phase === phase),
        `never reached ${phase}: ${states.map((s) => s.phase).join(' → ')}`,
      );
    },
  };
}

describe('ALTER of a large table through pt-online-schema-change', () => {
  let target: TargetDb;
  let tool: string;
  let stateDir: string;
  let runDir: RuntimeDir;
  /** What the runs left in the job's directory (the option and pause files go with each run). */
  const leftInWorkDir = () => readdirSync(join(runDir.path, 'T-1-a1-p0'), { recursive: true });
  const latin1 = () =>
    target.count(
      `SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'big' AND COLUMN_NAME = 'v' AND CHARACTER_SET_NAME = 'latin1'`,
      [target.schema],
    );
  const indexed = () =>
    target.count(
      `SELECT COUNT(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'big' AND INDEX_NAME = 'idx_v'`,
      [target.schema],
    );
  const leftovers = () =>
    target.count(
      `SELECT (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ?) + (SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE '\\_big\\_%')`,
      [target.schema, target.schema],
    );

  before(async () => {
    execFileSync('bash', ['scripts/ensure-percona-toolkit.sh'], { stdio: 'inherit' });
    tool = findTool('pt-online-schema-change') ?? assert.fail('pt-online-schema-change is not installed');
    target = await openTarget();
    stateDir = mkdtempSync(join(tmpdir(), 'dbops-state-'));
    runDir = await openRuntimeDir(join(stateDir, 'run'));
    await target.pool.query(`CREATE TABLE ${target.schema}.big (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB`);
    await target.pool.query(
      `INSERT INTO ${target.schema}.big SELECT seq, CONCAT('v', seq) FROM ${target.schema}.seq_1_to_20000`,
    );
  });
  after(async () => {
    await target.close();
    await runDir.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const deps = (
    control: RunDeps['online'] extends infer O ? (O extends { control: infer C } ? C : never) : never,
    signal: AbortSignal,
    toolPath: string | null,
    pool = target.pool,
  ): RunDeps => ({
    pool,
    settings: ExecutionSection.parse({
      backup_schema: target.backupSchema,
      online_alter_min_bytes: 1,
      pt_osc: { extra_args: ['--chunk-size', '2000'] },
    }),
    signal,
    online: {
      tool: toolPath,
      credentials: () => poolCredentials(pool),
      control,
      pollMs: 100,
      workDir: () => runDir.dir('T-1-a1-p0'),
    },
  });

  it('copies with triggers, keeps up with writes, and swaps only when the cut-over is asked for', async () => {
    const t = testControl();
    const running = runStatements(
      request(target, 'ALTER TABLE big ADD INDEX idx_v (v)'),
      deps(t.control, new AbortController().signal, tool),
    );
    await t.until('ready');
    assert.equal(await indexed(), 0, 'nothing is swapped before the cut-over');
    await target.pool.query(`UPDATE ${target.schema}.big SET v = 'during wait' WHERE id = 7`);
    t.wanted.cutOver = { by: 'U0DBA00001' };
    const report = await running;
    assert.equal(report.outcome, 'succeeded', report.failure ?? '');
    assert.match(plainToMrkdwn(report.results[0].note ?? ''), /pt-online-schema-change; cut over by <@U0DBA00001>/);
    assert.equal(await indexed(), 1);
    assert.equal(await target.count(`SELECT COUNT(*) FROM ${target.schema}.big WHERE id = 7 AND v = 'during wait'`), 1);
    assert.equal(await target.count(`SELECT COUNT(*) FROM ${target.schema}.big`), 20000);
    assert.equal(await leftovers(), 0, 'no trigger, copy or old table is left');
    assert.deepEqual(leftInWorkDir(), [], 'the option file and the pause file are gone');
    assert.equal(statSync(runDir.path).mode & 0o777, 0o700);
    assert.deepEqual([...new Set(t.states.map((s) => s.phase))].slice(-3), ['ready', 'cutting-over', 'done']);
  });

  it('a cancel while it waits for the cut-over removes the copy and the triggers', async () => {
    const t = testControl();
    const controller = new AbortController();
    const running = runStatements(
      request(target, 'ALTER TABLE big MODIFY v VARCHAR(100) CHARACTER SET latin1'),
      deps(t.control, controller.signal, tool),
    );
    await t.until('ready');
    controller.abort();
    const report = await running;
    assert.equal(report.outcome, 'cancelled');
    assert.equal(await latin1(), 0);
    assert.equal(await leftovers(), 0);
  });

  // A cancel kills the session's running statement with KILL QUERY from a second connection. That
  // kill used to race the cleanup, which ran on the same session: under load it landed on the
  // cleanup's own statements and left the copy and the triggers behind. Here the kill is held
  // back until the cleanup's DROP TABLE waits on a lock the test holds, so it always lands then.
  it('a cancel whose KILL reaches the server during the cleanup still removes the copy and the triggers', async () => {
    const gate = await startKillGate();
    const pool = mysql.createPool({
      ...instanceOptions(localCluster, { host: '127.0.0.1', port: gate.port }, {}),
      connectionLimit: 6,
    });
    const holder = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    try {
      const t = testControl();
      const controller = new AbortController();
      const running = runStatements(
        request(target, 'ALTER TABLE big MODIFY v VARCHAR(100) CHARACTER SET latin1'),
        deps(t.control, controller.signal, tool, pool),
      );
      await t.until('ready');
      await holder.query('START TRANSACTION');
      await holder.query(`SELECT COUNT(*) FROM ${target.schema}._big_new`);
      controller.abort();
      await waitUntil(
        async () =>
          (await target.count(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'DROP TABLE%\\_big\\_new%' AND STATE LIKE 'Waiting for table metadata lock%'",
          )) === 1,
        30_000,
        'the cleanup to wait for the copy',
      );
      assert.equal(gate.held(), 1, 'the cancel sent one KILL QUERY');
      await gate.open();
      await holder.query('ROLLBACK');
      const report = await running;
      assert.equal(report.outcome, 'cancelled');
      assert.equal(await leftovers(), 0, 'no trigger or copy is left');
      assert.equal(t.states.at(-1)?.phase, 'cancelled');
      assert.match(t.states.at(-1)?.detail ?? '', /the copy and its triggers were removed/);
    } finally {
      await holder.end();
      await pool.end();
      await gate.close();
    }
  });

  // Issue 12 item 4: the DSN is built from checked parts; a name that would add settings never reaches the tool.
  it('starts the tool with a DSN pinned to the pool, and never for a table whose name would redirect it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbops-fake-osc-'));
    try {
      const argvFile = join(dir, 'argv');
      const fake = join(dir, 'pt-online-schema-change');
      writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argvFile}'\nexit 1\n`, { mode: 0o700 });
      const injected = 'items,h=attacker,P=3306';
      await target.pool.query(
        `CREATE TABLE ${target.schema}.\`${injected}\` (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB`,
      );
      await target.pool.query(`INSERT INTO ${target.schema}.\`${injected}\` VALUES (1, 'a')`);
      const refused = await runStatements(
        request(target, `ALTER TABLE \`${injected}\` MODIFY v VARCHAR(100) CHARACTER SET latin1`),
        deps(testControl().control, new AbortController().signal, fake),
      );
      assert.equal(refused.outcome, 'failed');
      assert.match(
        refused.results[0].error ?? '',
        /the table name `items,h=attacker,P=3306` contains `,` and `=`, which pt-online-schema-change reads as separators/,
      );
      assert.ok(!existsSync(argvFile), 'the tool was never started');

      const started = await runStatements(
        request(target, 'ALTER TABLE big MODIFY v VARCHAR(100) CHARACTER SET latin1'),
        deps(testControl().control, new AbortController().signal, fake),
      );
      assert.equal(started.outcome, 'failed', 'the stand-in tool exits 1');
      const dsn = readFileSync(argvFile, 'utf8').trimEnd().split('\n').at(-1) ?? '';
      assert.match(dsn, new RegExp(`^D=${target.schema},t=big,F=[^,=]+/client\\.cnf,h=127\\.0\\.0\\.1,P=3306$`));
      assert.equal(await leftovers(), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Issue 12 item 5: a worker died inside the ALTER; the one that takes over finds what pt-osc left.
  it('an online ALTER interrupted by a dead worker: what the tool left is said, and Clean up drops the triggers, then the copy', async () => {
    const s = target.schema;
    await target.pool.query(`CREATE TABLE ${s}.items (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB`);
    await target.pool.query(`INSERT INTO ${s}.items SELECT seq, CONCAT('v', seq) FROM ${s}.seq_1_to_100`);
    await target.pool.query(`CREATE TABLE ${s}._items_new LIKE ${s}.items`);
    await target.pool.query(`INSERT INTO ${s}._items_new SELECT * FROM ${s}.items WHERE id <= 40`);
    for (const [event, body] of [
      ['ins', 'REPLACE INTO _items_new VALUES (NEW.id, NEW.v)'],
      ['upd', 'REPLACE INTO _items_new VALUES (NEW.id, NEW.v)'],
      ['del', 'DELETE IGNORE FROM _items_new WHERE id = OLD.id'],
    ])
      await target.pool.query(
        `CREATE TRIGGER ${s}.pt_osc_${s}_items_${event} AFTER ${{ ins: 'INSERT', upd: 'UPDATE', del: 'DELETE' }[event]} ON ${s}.items FOR EACH ROW ${body}`,
      );
    const t = testControl();
    // As the runner does with a non-idempotent step an earlier worker began: look, instead of running it.
    const interruptedOnly: RunDeps['step'] = async (name, options) => {
      throw new Error(`step “${name}” was interrupted: ${(await options.interrupted?.()) ?? 'nothing found'}`);
    };
    const report = await runStatements(request(target, 'ALTER TABLE items ADD INDEX idx_v (v)'), {
      ...deps(t.control, new AbortController().signal, tool),
      step: interruptedOnly,
    });
    assert.equal(report.outcome, 'failed');
    assert.match(
      report.results[0].error ?? '',
      new RegExp(
        `pt-online-schema-change left on ${s}\\.items: triggers pt_osc_${s}_items_del, pt_osc_${s}_items_ins, pt_osc_${s}_items_upd and table _items_new \\(about \\d+ rows?\\)\\. Writes to items are doubled into _items_new until this is cleaned up\\. A DBA can remove it with \\*Clean up\\*`,
      ),
    );
    assert.equal(t.left.length, 1, 'reported for the thread');
    assert.equal(t.states.at(-1)?.phase, 'failed', 'the panel stops offering Pause');

    const dropped = await removeOscLeftovers(queryable(target.pool), { schema: s, name: 'items' });
    assert.deepEqual(
      dropped?.triggers.map((x) => x.name),
      ['del', 'ins', 'upd'].map((e) => `pt_osc_${s}_items_${e}`),
    );
    assert.equal(
      await target.count(
        "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND EVENT_OBJECT_TABLE = 'items'",
        [s],
      ),
      0,
    );
    assert.equal(
      await target.count(
        "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = '_items_new'",
        [s],
      ),
      0,
    );
    await target.pool.query(`INSERT INTO ${s}.items VALUES (101, 'after')`);
    assert.equal(await target.count(`SELECT COUNT(*) FROM ${s}.items`), 101, 'the table is whole and writable');
    assert.equal(await removeOscLeftovers(queryable(target.pool), { schema: s, name: 'items' }), null, 'nothing left');
  });

  it('without the tool a large-table ALTER is refused, unless a DBA grants an exception', async () => {
    const t = testControl();
    const refused = await runStatements(
      request(target, 'ALTER TABLE big MODIFY v VARCHAR(100) CHARACTER SET latin1'),
      deps(t.control, new AbortController().signal, null),
    );
    assert.equal(refused.outcome, 'failed');
    assert.match(
      refused.results[0].error ?? '',
      /pt-online-schema-change is not installed .* a DBA may grant this ticket an exception/,
    );
    const override = await runStatements(
      request(target, 'ALTER TABLE big MODIFY v VARCHAR(100) CHARACTER SET latin1', { largeAlterOverride: true }),
      deps(t.control, new AbortController().signal, null),
    );
    assert.equal(override.outcome, 'succeeded', override.failure ?? '');
    assert.match(
      override.results[0].note ?? '',
      /ran in place with ALGORITHM=COPY, LOCK=SHARED .* by a DBA's exception/,
    );
    assert.equal(await latin1(), 1);
  });

  it('refuses a table with triggers of its own, which the tool cannot run beside here', async () => {
    await target.pool.query(`CREATE TABLE ${target.schema}.audited (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB`);
    await target.pool.query(
      `CREATE TRIGGER ${target.schema}.audited_bi BEFORE INSERT ON ${target.schema}.audited FOR EACH ROW SET NEW.v = UPPER(NEW.v)`,
    );
    const report = await runStatements(
      request(target, 'ALTER TABLE audited ADD INDEX idx_v (v)'),
      deps(testControl().control, new AbortController().signal, tool),
    );
    assert.equal(report.outcome, 'failed');
    assert.match(report.results[0].error ?? '', /has triggers \(audited_bi\)/);
  });

  it('an ALTER the server can do instantly needs no tool, whatever the size', async () => {
    const t = testControl();
    const report = await runStatements(
      request(target, 'ALTER TABLE big ADD COLUMN note VARCHAR(10) NULL'),
      deps(t.control, new AbortController().signal, null),
    );
    assert.equal(report.outcome, 'succeeded', report.failure ?? '');
    assert.equal(report.results[0].note, 'ran with ALGORITHM=INSTANT');
  });
});
