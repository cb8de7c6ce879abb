/**
 * `npm run bench -- diagnose`: what `/dbops top` and `/dbops slow` cost.
 *   diagnose-top   readTop on a server with many connections (idle, and some running SLEEP): its
 *                  time against a plain `SELECT 1` round trip (target: under 1 s; the issue asks for
 *                  500 connections: the bench raises max_connections for its run when it may, and
 *                  puts it back)
 *   diagnose-slow  slow-log rows of 10,000 distinct statements (50,000 rows) fingerprinted and
 *                  grouped into digests (target: under 5 s)
 */
import { performance } from 'node:perf_hooks';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';
import { readTop } from '../src/diagnose/top.js';
import { fingerprint } from '../src/diagnose/fingerprint.js';
import { groupDigests } from '../src/diagnose/slow.js';
import type { Benchmark } from './registry.js';
import { bestOf, ratio } from './support/timing.js';

const WANTED = 500;
const RUNNING = 20;
/** Connections left free for everything else on the server while the bench runs. */
const HEADROOM = 15;

/** Room for `wanted` more connections: raises max_connections for the bench when it can, and says how to undo it. */
async function makeRoom(pool: mysql.Pool, wanted: number): Promise<{ count: number; restore: () => Promise<void> }> {
  const [[now]] = await pool.query<RowDataPacket[]>(
    'SELECT @@max_connections AS max, (SELECT COUNT(*) FROM information_schema.PROCESSLIST) AS used',
  );
  const max = Number(now.max);
  const needed = Number(now.used) + wanted + HEADROOM;
  if (needed <= max) return { count: wanted, restore: async () => {} };
  try {
    await pool.query('SET GLOBAL max_connections = ?', [needed]);
    return { count: wanted, restore: async () => void (await pool.query('SET GLOBAL max_connections = ?', [max])) };
  } catch {
    // No SUPER/SYSTEM_VARIABLES_ADMIN: bench with what the server allows.
    return { count: Math.max(0, max - Number(now.used) - HEADROOM), restore: async () => {} };
  }
}

async function openConnections(count: number): Promise<Connection[]> {
  const held: Connection[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Math.min(50, count - i);
    held.push(
      ...(await Promise.all(
        Array.from({ length: batch }, () => mysql.createConnection({ host: '127.0.0.1', user: 'root' })),
      )),
    );
  }
  return held;
}

async function topBench(): Promise<void> {
  const pool = mysql.createPool({ host: '127.0.0.1', user: 'root', connectionLimit: 4 });
  const room = await makeRoom(pool, WANTED);
  let held: Connection[] = [];
  try {
    held = await openConnections(room.count);
    const count = held.length;
    const sleeping = held.slice(0, RUNNING).map((c) => c.query('SELECT SLEEP(120)').catch(() => undefined));
    const baseline = await bestOf(5, async () => {
      await pool.query('SELECT 1');
    });
    let seen = 0;
    const top = await bestOf(5, async () => {
      seen = (await readTop(pool, { cluster: 'bench', instance: '127.0.0.1:3306' }, () => new Date())).connections;
    });
    process.stdout.write(
      `diagnose-top: ${seen} connections (${count} opened, ${RUNNING} running SLEEP): readTop ${top.toFixed(1)} ms (target < 1000), as long as ${ratio(top, baseline)} round trips of SELECT 1 (${baseline.toFixed(2)} ms)\n`,
    );
    const killer = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
    for (const c of held.slice(0, RUNNING)) await killer.query(`KILL QUERY ${c.threadId}`).catch(() => undefined);
    await killer.end();
    await Promise.all(sleeping);
  } finally {
    await Promise.allSettled(held.map((c) => c.end()));
    await room.restore();
    await pool.end();
  }
}

async function slowBench(): Promise<void> {
  const rows = Array.from({ length: 50_000 }, (_, i) => ({
    db: 'shop',
    sql_text: `SELECT id, name FROM t${i % 10_000} WHERE customer_id = ${i} AND status IN (1, 2, ${i % 7}) AND note = 'x${i}'`,
    seconds: (i % 97) / 10,
    examined: i % 1000,
    sent: 1,
  }));
  const groups = new Set(rows.map((r) => fingerprint(r.sql_text))).size;
  const ms = await bestOf(3, async () => {
    groupDigests(rows);
  });
  const started = performance.now();
  const digests = groupDigests(rows);
  const once = performance.now() - started;
  process.stdout.write(
    `diagnose-slow: 50,000 slow-log rows, ${groups} distinct shapes → top ${digests.length} digests in ${Math.min(ms, once).toFixed(0)} ms (target < 5000)\n`,
  );
}

export const diagnoseBenchmarks: Benchmark[] = [
  { name: 'diagnose-top', description: 'readTop on a server with many connections', run: topBench },
  {
    name: 'diagnose-slow',
    description: 'slow-log rows of 10,000 distinct statements grouped into digests',
    run: slowBench,
  },
];
