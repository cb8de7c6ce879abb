import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mysql from 'mysql2/promise';
import { optionsSource } from '../src/migrate/connections.js';
import { runMigration } from '../src/migrate/engine.js';
import { DEFAULT_COPY_SETTINGS, type CopySettings } from '../src/migrate/types.js';
import type { Benchmark } from './registry.js';
import { buildBenchSchema, tableBytes } from './support/migrate-data.js';

/**
 * `npm run bench -- migrate`: dbops' copy against `mariadb-dump --single-transaction --quick | mariadb`
 * (and mydumper/myloader when installed) on the same data in the same run, each candidate run in
 * turn for several rounds, best time kept. Environment:
 *   DBOPS_BENCH_ROWS      rows of `orders` (default 1,000,000); `docs` has 40,000 wide rows
 *   DBOPS_BENCH_ROUNDS    rounds (default 3)
 *   DBOPS_BENCH_5M=1      also measure peak memory with 5,000,000 rows (takes a few minutes)
 * mydumper/myloader join when installed (`bash scripts/ensure-mydumper.sh`).
 */

export const LOCAL = { host: '127.0.0.1', port: 3306, user: 'root' };
const ORDERS = Number(process.env.DBOPS_BENCH_ROWS ?? 1_000_000);
const DOCS = 40_000;
const ROUNDS = Number(process.env.DBOPS_BENCH_ROUNDS ?? 3);

function run(command: string, args: string[], options: { stdin?: NodeJS.ReadableStream } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [options.stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    if (options.stdin && child.stdin) options.stdin.pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${stderr.slice(0, 500)}`)),
    );
  });
}

/** `mariadb-dump --single-transaction --quick src | mariadb dst`, piped by Node (no shell). */
export function dumpAndLoad(source: string, destination: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const dump = spawn(
      'mariadb-dump',
      ['-h', LOCAL.host, '-u', LOCAL.user, '--single-transaction', '--quick', source],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const load = run('mariadb', ['-h', LOCAL.host, '-u', LOCAL.user, destination], { stdin: dump.stdout });
    let dumped = false;
    dump.on('error', reject);
    dump.on('close', (code) => {
      dumped = true;
      if (code !== 0) reject(new Error(`mariadb-dump exited with ${code}`));
    });
    load.then(() => (dumped ? resolve() : dump.on('close', () => resolve())), reject);
  });
}

export async function mydumperAndLoad(source: string, destination: string, threads: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dbops-mydumper-'));
  try {
    await run('mydumper', [
      '--host',
      LOCAL.host,
      '--user',
      LOCAL.user,
      '--database',
      source,
      '--outputdir',
      dir,
      '--threads',
      String(threads),
      '--rows',
      '100000',
      '--trx-consistency-only',
    ]);
    await run('myloader', [
      '--host',
      LOCAL.host,
      '--user',
      LOCAL.user,
      '--directory',
      dir,
      '--database',
      destination,
      '--threads',
      String(threads),
      '--overwrite-tables',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function dbopsCopy(source: string, destination: string, settings: Partial<CopySettings>): Promise<void> {
  await runMigration(
    {
      source: { cluster: 'local', schema: source },
      destination: { cluster: 'local', schema: destination },
      tables: [],
      where: null,
      mode: 'replace',
      objects: [],
    },
    'bench',
    { ...DEFAULT_COPY_SETTINGS, ...settings },
    { source: optionsSource(LOCAL, 'source'), destination: optionsSource(LOCAL, 'destination') },
  );
}

export function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

async function freshSchema(conn: mysql.Connection, name: string): Promise<void> {
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.query(`CREATE DATABASE \`${name}\` DEFAULT CHARACTER SET utf8mb4`);
}

/** Throughput against mariadb-dump | mariadb (target: ≥ 1.0× with one stream, ≥ 1.5× in parallel). */
async function throughput(): Promise<void> {
  const suffix = randomBytes(3).toString('hex');
  const source = `dbops_bench_src_${suffix}`;
  const destination = `dbops_bench_dst_${suffix}`;
  const conn = await mysql.createConnection(LOCAL);
  try {
    const built = performance.now();
    await buildBenchSchema(conn, source, ORDERS, DOCS);
    const bytes = await tableBytes(conn, source);
    console.log(
      `  data: orders ${ORDERS.toLocaleString('en-US')} rows + docs ${DOCS.toLocaleString('en-US')} wide rows (TEXT, BLOB, JSON), ${(bytes / 1048576).toFixed(0)} MB on disk; built in ${((performance.now() - built) / 1000).toFixed(1)} s`,
    );
    const candidates: Array<{ name: string; run: () => Promise<void> }> = [
      { name: 'mariadb-dump --single-transaction --quick | mariadb', run: () => dumpAndLoad(source, destination) },
      {
        name: 'dbops, 1 stream (LOAD DATA LOCAL)',
        run: () => dbopsCopy(source, destination, { parallel: 1, method: 'load-data' }),
      },
      {
        name: 'dbops, 1 stream (multi-row INSERT)',
        run: () => dbopsCopy(source, destination, { parallel: 1, method: 'insert' }),
      },
      {
        name: 'dbops, 2 streams (LOAD DATA LOCAL)',
        run: () => dbopsCopy(source, destination, { parallel: 2, method: 'load-data' }),
      },
      {
        name: 'dbops, 4 streams (LOAD DATA LOCAL)',
        run: () => dbopsCopy(source, destination, { parallel: 4, method: 'load-data' }),
      },
    ];
    if (installed('mydumper') && installed('myloader'))
      candidates.push({
        name: 'mydumper + myloader, 2 threads (files on disk)',
        run: () => mydumperAndLoad(source, destination, 2),
      });
    else console.log('  mydumper/myloader not installed: left out (`bash scripts/ensure-mydumper.sh` installs them)');
    const best = candidates.map(() => Infinity);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, candidate] of candidates.entries()) {
        await freshSchema(conn, destination);
        const started = performance.now();
        await candidate.run();
        best[i] = Math.min(best[i], performance.now() - started);
      }
    }
    const rows = ORDERS + DOCS;
    console.log(`  best of ${ROUNDS} rounds, run in turn:`);
    for (const [i, candidate] of candidates.entries()) {
      const rate = Math.round(rows / (best[i] / 1000)).toLocaleString('en-US');
      console.log(
        `  ${candidate.name.padEnd(52)} ${(best[i] / 1000).toFixed(2).padStart(6)} s  ${rate.padStart(9)} rows/s  ${(best[0] / best[i]).toFixed(2)}× baseline`,
      );
    }
    console.log(
      '  targets: 1 stream ≥ 1.0×, parallel ≥ 1.5× (dbops times include planning, per-chunk checksums of both sides, index builds and the swap)',
    );
  } finally {
    await conn.query(`DROP DATABASE IF EXISTS \`${source}\``);
    await conn.query(`DROP DATABASE IF EXISTS \`${destination}\``);
    await conn.end();
  }
}

/** Peak RSS of a process copying 1M rows, and 5M with DBOPS_BENCH_5M=1 (target < 200 MB and flat). */
async function memory(): Promise<void> {
  const sizes = process.env.DBOPS_BENCH_5M === '1' ? [1_000_000, 5_000_000] : [1_000_000];
  const conn = await mysql.createConnection(LOCAL);
  const peaks: number[] = [];
  try {
    for (const size of sizes) {
      const suffix = randomBytes(3).toString('hex');
      const source = `dbops_bench_msrc_${suffix}`;
      const destination = `dbops_bench_mdst_${suffix}`;
      try {
        await buildBenchSchema(conn, source, size, DOCS);
        await freshSchema(conn, destination);
        const child = spawnSync(
          '/usr/bin/time',
          ['-f', '%M', process.execPath, '--import', 'tsx', 'bench/support/migrate-child.ts', source, destination, '2'],
          { encoding: 'utf8', maxBuffer: 1 << 24 },
        );
        const peakKb = Number(child.stderr.trim().split('\n').pop());
        const result: unknown = JSON.parse(child.stdout.trim().split('\n').pop() || '{}');
        const seconds = result && typeof result === 'object' && 'seconds' in result ? Number(result.seconds) : NaN;
        peaks.push(peakKb);
        console.log(
          `  ${size.toLocaleString('en-US')} rows + ${DOCS.toLocaleString('en-US')} wide rows, 2 streams: peak RSS ${(peakKb / 1024).toFixed(0)} MB (target < 200 MB), copied in ${seconds.toFixed(1)} s (exit ${child.status})`,
        );
      } finally {
        await conn.query(`DROP DATABASE IF EXISTS \`${source}\``);
        await conn.query(`DROP DATABASE IF EXISTS \`${destination}\``);
      }
    }
    const idle = spawnSync(
      '/usr/bin/time',
      ['-f', '%M', process.execPath, '--import', 'tsx', '-e', 'import("./src/migrate/engine.ts")'],
      { encoding: 'utf8' },
    );
    console.log(
      `  the same process loaded but idle: ${(Number(idle.stderr.trim().split('\n').pop()) / 1024).toFixed(0)} MB`,
    );
    if (peaks.length === 2) console.log(`  5M / 1M peak = ${(peaks[1] / peaks[0]).toFixed(2)} (flat ≈ 1.0)`);
    else console.log('  (set DBOPS_BENCH_5M=1 to also measure 5,000,000 rows)');
  } finally {
    await conn.end();
  }
}

export const migrateBenchmarks: Benchmark[] = [
  {
    name: 'migrate-throughput',
    description: 'dbops migrate vs mariadb-dump | mariadb (and mydumper/myloader), same data, same run',
    run: throughput,
  },
  {
    name: 'migrate-memory',
    description: 'peak memory of a migration, 1M rows (and 5M with DBOPS_BENCH_5M=1)',
    run: memory,
  },
];
