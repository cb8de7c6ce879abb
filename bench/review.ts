import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mariadbParser from 'node-sql-parser/build/mariadb.js';
import { reviewSql } from '../src/review/engine.js';
import { rules } from '../src/review/rules/index.js';
import { defaultRules } from '../src/review/settings.js';
import { DEV, DEV_CHANNEL, startHarness } from '../test/support/harness.js';
import type { Benchmark } from './registry.js';
import { corpusText, mixedCorpus } from './support/corpus.js';
import { interleavedBestTimes, ratio } from './support/timing.js';

const CORPUS_STATEMENTS = 5_000;

/** Review throughput against node-sql-parser's bare parse of the same statements (target ≥ 0.5). */
async function throughput(): Promise<void> {
  const statements = mixedCorpus(CORPUS_STATEMENTS);
  const text = corpusText(CORPUS_STATEMENTS);
  const parser = new mariadbParser.Parser();
  const resolved = defaultRules(rules);
  const bareParse = async () => {
    for (const sql of statements) {
      try {
        parser.astify(sql, { database: 'MariaDB' });
      } catch {
        // the baseline only parses; failures cost what they cost
      }
    }
  };
  const review = async () => {
    await reviewSql(text, { rules: resolved, purpose: 'change' });
  };
  // Interleaved, so a burst of load elsewhere on the machine hits both sides alike.
  const { wall, cpu } = await interleavedBestTimes(5, [bareParse, review]);
  const [parseMs, reviewMs] = wall;
  console.log(
    `  corpus: ${CORPUS_STATEMENTS} mixed statements (${(text.length / 1024).toFixed(0)} KiB), ${resolved.length} rules`,
  );
  console.log(
    `  bare parse ${parseMs.toFixed(0)} ms; full review (split, parse, ${resolved.length} rules, grade) ${reviewMs.toFixed(0)} ms`,
  );
  console.log(`  review throughput / bare-parse throughput = ${ratio(parseMs, reviewMs)} (target ≥ 0.5)`);
  console.log(
    `  by CPU time (less swayed by other load): bare parse ${cpu[0].toFixed(0)} ms, review ${cpu[1].toFixed(0)} ms, ratio ${ratio(cpu[0], cpu[1])}`,
  );
}

/** Peak memory of `dbops review` on a 10,000-statement file (target < 300 MB). */
async function cliMemory(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dbops-bench-'));
  const file = join(dir, 'big.sql');
  writeFileSync(file, corpusText(10_000));
  const baseline = spawnSync(
    '/usr/bin/time',
    ['-f', '%M', process.execPath, '--import', 'tsx', '-e', 'import("./src/review/rules/index.ts")'],
    { encoding: 'utf8' },
  );
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', '%M', process.execPath, '--import', 'tsx', 'src/cli.ts', 'review', '--format', 'json', file],
    { encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, DBOPS_CONFIG: '/nonexistent' } },
  );
  const peakKb = Number(run.stderr.trim().split('\n').pop());
  const baseKb = Number(baseline.stderr.trim().split('\n').pop());
  console.log(
    `  10,000-statement file: peak RSS ${(peakKb / 1024).toFixed(0)} MB (target < 300 MB); the CLI loaded but idle: ${(baseKb / 1024).toFixed(0)} MB; exit ${run.status}`,
  );
}

/** The HTTP acknowledgement of /dbops review with a 1 MB paste, against a one-line paste (target: well under 3 s). */
async function ackWithLargePaste(): Promise<void> {
  const h = await startHarness();
  try {
    const small = await h.slack.slashCommand({ text: 'review SELECT 1', userId: DEV, channelId: DEV_CHANNEL });
    const paste = corpusText(5_000).slice(0, 1024 * 1024);
    const large = await h.slack.slashCommand({ text: `review ${paste}`, userId: DEV, channelId: DEV_CHANNEL });
    await h.api.waitFor('chat.postMessage', (c) => String(c.params.text).includes('SQL review'), 120_000);
    console.log(
      `  ack of a 1-line review: ${small.elapsedMs.toFixed(0)} ms; ack of a 1 MB paste: ${large.elapsedMs.toFixed(0)} ms (HTTP ${large.status}; target well under 3000 ms) — ratio ${(large.elapsedMs / small.elapsedMs).toFixed(1)}×`,
    );
  } finally {
    await h.stop();
  }
}

export const reviewBenchmarks: Benchmark[] = [
  {
    name: 'review-throughput',
    description: 'review vs bare node-sql-parser parse, same corpus, same run',
    run: throughput,
  },
  { name: 'review-cli-memory', description: 'peak memory of the CLI on 10,000 statements', run: cliMemory },
  { name: 'review-slack-ack', description: 'Slack ack latency with a 1 MB paste', run: ackWithLargePaste },
];
