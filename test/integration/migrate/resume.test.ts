import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Connection } from 'mysql2/promise';
import { runMigration } from '../../../src/migrate/engine.js';
import { MigrateStopped } from '../../../src/migrate/errors.js';
import { assertSameTable, connect, count, localDeps, schemaPair, spec, tablesOf, TEST_SETTINGS } from './support.js';

const ROWS = 30_000;
const CHUNK_ROWS = 500;

/** Start the copy in a child process and SIGKILL it once it has committed `afterRows` rows. */
function killMidCopy(
  source: string,
  destination: string,
  runId: string,
  afterRows: number,
): Promise<{ killedAt: number; finished: boolean }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('./run-engine.ts', import.meta.url).pathname,
      source,
      destination,
      runId,
      String(CHUNK_ROWS),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    let seen = 0;
    let finished = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      for (const line of text.split('\n')) {
        const match = /^chunk (\d+)/.exec(line);
        if (match) seen = Number(match[1]);
        if (line === 'done') finished = true;
      }
      if (seen >= afterRows && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ killedAt: seen, finished }));
  });
}

async function seed(conn: Connection, schema: string): Promise<void> {
  await conn.query(`USE \`${schema}\``);
  await conn.query(
    'CREATE TABLE big (id INT PRIMARY KEY, grp INT NOT NULL, body VARCHAR(200) NOT NULL, KEY grp (grp))',
  );
  await conn.query(`INSERT INTO big SELECT seq, seq % 97, REPEAT(CHAR(65 + seq % 26), 150) FROM seq_1_to_${ROWS}`);
  await conn.query('CREATE TABLE small (id INT PRIMARY KEY, v VARCHAR(10))');
  await conn.query("INSERT INTO small SELECT seq, CONCAT('v', seq) FROM seq_1_to_2000");
}

describe('migrate resume', () => {
  let conn: Connection;
  before(async () => {
    conn = await connect();
  });
  after(async () => {
    await conn.end();
  });

  it('a copy killed mid-way resumes: chunks already copied are verified, not copied again; rows changed since are recopied; no duplicates', async () => {
    const pair = await schemaPair(conn);
    try {
      await seed(conn, pair.source);
      const killed = await killMidCopy(pair.source, pair.destination, 'Tkill', ROWS / 3);
      assert.equal(killed.finished, false, 'the child was killed before it finished');
      const staged = await count(conn, pair.destination, '__dbops_Tkill_n_big');
      assert.ok(staged > 0 && staged < ROWS, `a partial copy is in the staging table (${staged} rows)`);
      // The source moves on while no worker runs: a row changes inside the copied part, one is deleted, one added.
      await conn.query(`UPDATE \`${pair.source}\`.big SET body = 'changed' WHERE id = 3`);
      await conn.query(`DELETE FROM \`${pair.source}\`.big WHERE id = 4`);
      await conn.query(`INSERT INTO \`${pair.source}\`.big VALUES (${ROWS + 1}, 1, 'late')`);

      const lines: string[] = [];
      const result = await runMigration(
        spec(pair.source, pair.destination),
        'Tkill',
        { ...TEST_SETTINGS, chunkRows: CHUNK_ROWS },
        localDeps({ log: (l) => lines.push(l) }),
      );
      assert.ok(
        lines.some((l) => l.startsWith('resuming')),
        lines.join('\n'),
      );
      const big = result.tables.find((t) => t.name === 'big');
      assert.ok(big && big.reused > 0, `chunks were reused (${big?.reused})`);
      await assertSameTable(conn, pair.source, pair.destination, 'big');
      await assertSameTable(conn, pair.source, pair.destination, 'small');
      assert.equal(await count(conn, pair.destination, 'big', 'id = 3 AND body = "changed"'), 1);
      assert.deepEqual(await tablesOf(conn, pair.destination), ['big', 'small'], 'no staging table left');
    } finally {
      await pair.drop();
    }
  });

  it('a cancel stops the copy and drops the staging tables; the destination is unchanged', async () => {
    const pair = await schemaPair(conn);
    try {
      await seed(conn, pair.source);
      await conn.query(`CREATE TABLE \`${pair.destination}\`.small (id INT PRIMARY KEY, v VARCHAR(10))`);
      await conn.query(`INSERT INTO \`${pair.destination}\`.small VALUES (1, 'keep')`);
      const controller = new AbortController();
      const copy = runMigration(
        spec(pair.source, pair.destination),
        'Tcancel',
        { ...TEST_SETTINGS, chunkRows: CHUNK_ROWS },
        localDeps({
          signal: controller.signal,
          onProgress: (p) =>
            p.phase === 'copy' &&
            p.rows >= ROWS / 4 &&
            controller.abort(Object.assign(new Error('cancelled by a DBA'), { kind: 'cancel' })),
        }),
      );
      await assert.rejects(copy, (err: unknown) => err instanceof MigrateStopped && /cancelled/.test(err.message));
      assert.deepEqual(await tablesOf(conn, pair.destination), ['small'], 'staging tables dropped');
      assert.equal(await count(conn, pair.destination, 'small'), 1, 'the destination table is untouched');
    } finally {
      await pair.drop();
    }
  });
});
