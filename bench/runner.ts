import mysql from 'mysql2/promise';
import { openRunnerFixture, type RunnerFixture } from '../test/support/runner-fixture.js';
import { partsKind, scriptKind } from '../test/support/runner-kinds.js';
import type { Benchmark } from './registry.js';

const PARTS = 200;
const SINGLE_TICKETS = 10;

/**
 * What the job runner costs on top of the work: a ticket of 200 trivial parts (one INSERT each,
 * journaled, each a BullMQ child job, the status message kept current) against the same 200
 * INSERTs in a plain loop on one connection, measured in the same run; then the same ticket on a
 * cluster allowing 4 parts at once, and the latency of a one-statement ticket from queueing to done.
 */
async function runnerOverhead(): Promise<void> {
  const cluster = (name: string, max: number) =>
    `  ${name}:\n    env: test\n    primary: { host: 127.0.0.1, port: 3306 }\n    user: root\n    max_concurrent_jobs: ${max}`;
  const f = await openRunnerFixture({ cluster: [cluster('one', 1), cluster('four', 4)].join('\n') });
  const direct = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
  try {
    const baseline = await timed(async () => {
      for (let i = 0; i < PARTS; i++)
        await direct.query(`INSERT INTO \`${f.target}\`.part_runs (part) VALUES (?)`, [`base${i}`]);
    });
    const worker = await f.startWorker({ jobs: [partsKind] });
    const serial = await timed(() => ticketOf(f, 'one', 's'));
    const parallel = await timed(() => ticketOf(f, 'four', 'p'));
    await worker.stop();
    const edits = f.api.callsTo('chat.update').length;

    const single = await f.startWorker({ jobs: [scriptKind] });
    const latencies: number[] = [];
    for (let i = 0; i < SINGLE_TICKETS; i++) {
      latencies.push(
        await timed(async () => {
          const t = await f.ticket(
            { kind: 'sql-change', payload: { sql: `INSERT INTO \`${f.target}\`.log (what) VALUES ('x')` } },
            { cluster: 'one' },
          );
          await f.waitFor(t.id, ['succeeded'], 60_000);
        }),
      );
    }
    await single.stop();
    const oneInsert = await timed(() =>
      direct.query(`INSERT INTO \`${f.target}\`.log (what) VALUES ('b')`).then(() => undefined),
    );
    const median = latencies.sort((a, b) => a - b)[Math.floor(latencies.length / 2)];

    console.log(
      `  ${PARTS} INSERTs in a loop (baseline): ${baseline.toFixed(0)} ms (${(baseline / PARTS).toFixed(2)} ms each)`,
    );
    console.log(
      `  ${PARTS}-part ticket, 1 part at a time: ${serial.toFixed(0)} ms = ${(serial / baseline).toFixed(1)}× the baseline; runner cost ${((serial - baseline) / PARTS).toFixed(1)} ms per part`,
    );
    console.log(
      `  ${PARTS}-part ticket, 4 parts at a time: ${parallel.toFixed(0)} ms = ${(parallel / serial).toFixed(2)}× the serial run`,
    );
    console.log(`  status message edits for both tickets: ${edits} (for ${2 * PARTS} parts)`);
    console.log(
      `  one-statement ticket, queued → succeeded: median ${median.toFixed(0)} ms over ${SINGLE_TICKETS} = ${(median / Math.max(0.1, oneInsert)).toFixed(0)}× one INSERT (${oneInsert.toFixed(1)} ms)`,
    );
  } finally {
    await direct.end();
    await f.close();
  }
}

async function ticketOf(f: RunnerFixture, cluster: string, prefix: string): Promise<void> {
  const keys = Array.from({ length: PARTS }, (_, i) => `${prefix}${i}`);
  const t = await f.ticket({ kind: 'sql-change', payload: { sql: keys.join('\n') } }, { cluster });
  const done = await f.waitFor(t.id, ['succeeded', 'failed'], 300_000);
  if (done.state !== 'succeeded') throw new Error(`${t.ref} ${done.state}`);
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export const runnerBenchmarks: Benchmark[] = [
  {
    name: 'runner-overhead',
    description:
      'the job runner around trivial work: a 200-part ticket vs the same INSERTs in a loop, and one-statement ticket latency',
    run: runnerOverhead,
  },
];
