import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { parseConfig } from '../src/config/load.js';
import { ClusterPools } from '../src/db/pools.js';
import { createReviewer } from '../src/review/service.js';
import { dropDatabase } from '../test/support/harness.js';
import type { Benchmark } from './registry.js';

const TABLES = 2_000;
const STATEMENTS = 100;

/**
 * A targeted review of a 100-statement batch on a schema of 2,000 tables: the first review reads
 * information_schema, the second finds the catalog in the cache (target: under 1 s), against the
 * same second review with the cache off, in the same run.
 */
async function catalogCache(): Promise<void> {
  const schema = `dbops_bench_cat_${randomBytes(3).toString('hex')}`;
  const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root', multipleStatements: true });
  const pools: ClusterPools[] = [];
  try {
    await admin.query(`CREATE DATABASE \`${schema}\``);
    for (let from = 0; from < TABLES; from += 100) {
      const creates = Array.from(
        { length: 100 },
        (_, i) =>
          `CREATE TABLE \`${schema}\`.t${from + i} (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY COMMENT 'id', user_id INT NOT NULL COMMENT 'u', status TINYINT NOT NULL DEFAULT 0 COMMENT 's', note VARCHAR(64) NULL COMMENT 'n', created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP COMMENT 'c', KEY idx_user (user_id)) ENGINE=InnoDB COMMENT='t'`,
      );
      await admin.query(creates.join(';\n'));
    }
    const batch = Array.from(
      { length: STATEMENTS },
      (_, i) => `UPDATE t${(i * 17) % TABLES} SET status = 1 WHERE user_id = ${i}`,
    ).join(';\n');
    const reviewerWith = (seconds: number) => {
      const config = parseConfig(`
slack: { approval_channel: C0APPROVE, alert_channel: C0ALERTS }
clusters:
  local: { env: test, primary: { host: 127.0.0.1, port: 3306 }, user: root }
review: { catalog_cache_seconds: ${seconds} }
`);
      const p = new ClusterPools(config.clusters, { secrets: {} });
      pools.push(p);
      return createReviewer(config, { pools: p, secrets: {} });
    };
    const timed = async (reviewer: ReturnType<typeof reviewerWith>) => {
      const start = performance.now();
      await reviewer.review({ sql: batch, target: { cluster: 'local', schema }, purpose: 'change' });
      return performance.now() - start;
    };
    const cached = reviewerWith(60);
    const uncached = reviewerWith(0);
    const first = await timed(cached);
    await timed(uncached); // same warm-up for the baseline's pool and EXPLAIN session
    const rounds = 3;
    let warm = Number.POSITIVE_INFINITY;
    let cold = Number.POSITIVE_INFINITY;
    for (let i = 0; i < rounds; i++) {
      warm = Math.min(warm, await timed(cached));
      cold = Math.min(cold, await timed(uncached));
    }
    console.log(`  schema of ${TABLES} tables, batch of ${STATEMENTS} UPDATEs, each EXPLAINed`);
    console.log(
      `  first review ${first.toFixed(0)} ms; second review ${warm.toFixed(0)} ms with the cache (target < 1000 ms), ${cold.toFixed(0)} ms without: ${(cold / warm).toFixed(1)}× faster; cache ${JSON.stringify(cached.catalogStats)}`,
    );
  } finally {
    for (const p of pools) await p.closeAll();
    await admin.end();
    await dropDatabase(schema);
  }
}

export const reviewCatalogBenchmarks: Benchmark[] = [
  {
    name: 'review-catalog-cache',
    description: 'second targeted review on a 2,000-table schema, with and without the catalog cache',
    run: catalogCache,
  },
];
