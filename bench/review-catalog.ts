import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { parseConfig } from '../src/config/load.js';
import { ClusterPools } from '../src/db/pools.js';
import type { DbopsConfig } from '../src/config/schema.js';
import { CatalogCache } from '../src/review/catalog/catalog-cache.js';
import { referencedSchemas } from '../src/review/catalog/load-catalog.js';
import { prepareStatementsYielding, reviewStatements } from '../src/review/engine.js';
import { MysqlProbe } from '../src/review/explain/mysql-probe.js';
import { rules } from '../src/review/rules/index.js';
import { createReviewer, type ReviewRequest } from '../src/review/service.js';
import { resolveRules } from '../src/review/settings.js';
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
      return { config, reviewer: createReviewer(config, { pools: p, secrets: {} }) };
    };
    const timed = async (reviewer: { review(request: ReviewRequest): Promise<unknown> }) => {
      const start = performance.now();
      await reviewer.review({ sql: batch, target: { cluster: 'local', schema }, purpose: 'change' });
      return performance.now() - start;
    };
    const cached = reviewerWith(60);
    const uncached = reviewerWith(0);
    // The review as it was before EXPLAIN answers were cached with the catalog: the catalog cached,
    // each statement EXPLAINed when its rules ask, one after another on one session.
    const before = baselineReviewer(cached.config, new ClusterPools(cached.config.clusters, { secrets: {} }), {
      prefetch: false,
      sessions: 1,
    });
    // EXPLAINs asked for all at once, nothing of them cached (a batch the cache has not seen).
    const prefetched = baselineReviewer(cached.config, new ClusterPools(cached.config.clusters, { secrets: {} }), {
      prefetch: true,
    });
    pools.push(before.pools, prefetched.pools);
    const first = await timed(cached.reviewer);
    for (const r of [uncached.reviewer, before, prefetched]) await timed(r); // same warm-up for each
    const rounds = 5;
    const times = { warm: [] as number[], cold: [] as number[], before: [] as number[], prefetched: [] as number[] };
    // Interleaved, so the machine's load falls on every variant alike; the median of each.
    for (let i = 0; i < rounds; i++) {
      times.before.push(await timed(before));
      times.warm.push(await timed(cached.reviewer));
      times.prefetched.push(await timed(prefetched));
      times.cold.push(await timed(uncached.reviewer));
    }
    const warm = median(times.warm);
    const cold = median(times.cold);
    const was = median(times.before);
    const pre = median(times.prefetched);
    console.log(`  schema of ${TABLES} tables, batch of ${STATEMENTS} UPDATEs, each EXPLAINed; medians of ${rounds}`);
    console.log(
      `  first review ${first.toFixed(0)} ms; second review ${warm.toFixed(0)} ms with the cache (target < 1000 ms), ${cold.toFixed(0)} ms without: ${(cold / warm).toFixed(1)}× faster; catalog cache ${JSON.stringify(cached.reviewer.catalogStats)}, EXPLAIN answers ${JSON.stringify(cached.reviewer.planStats)}`,
    );
    console.log(
      `  EXPLAIN: before (catalog cached, EXPLAINs one by one as rules ask) ${was.toFixed(0)} ms; asked all at once ${pre.toFixed(0)} ms (${(was / pre).toFixed(2)}×); answers kept with the catalog ${warm.toFixed(0)} ms (${(was / warm).toFixed(1)}×)`,
    );
  } finally {
    for (const p of pools) await p.closeAll();
    await admin.end();
    await dropDatabase(schema);
  }
}

/**
 * The targeted review built from its parts, with the catalog cached as the reviewer does but no
 * EXPLAIN answer kept: `prefetch` and `sessions` say how the EXPLAINs are asked for.
 */
function baselineReviewer(
  config: DbopsConfig,
  pools: ClusterPools,
  how: { prefetch: boolean; sessions?: number },
): { pools: ClusterPools; review(request: ReviewRequest): Promise<unknown> } {
  const catalogs = new CatalogCache({ ttlMs: config.review.catalog_cache_seconds * 1000 });
  const resolved = resolveRules(rules, config.review, 'test');
  return {
    pools,
    async review({ sql, target }) {
      if (!target) throw new Error('the benchmark reviews against a target');
      const batch = await prepareStatementsYielding(sql, {});
      const source = pools.replicaOrPrimary(target.cluster);
      const catalog = await catalogs.load(target.cluster, source, referencedSchemas(batch, target.schema));
      const server = await MysqlProbe.connect(source, {
        openSession: () => pools.dedicatedReplicaOrPrimary(target.cluster),
        ...(how.sessions ? { sessions: how.sessions } : {}),
      });
      try {
        return await reviewStatements(batch, {
          rules: resolved,
          purpose: 'change',
          catalog,
          server,
          schema: target.schema,
          prefetch: how.prefetch,
        });
      } finally {
        await server.close();
      }
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export const reviewCatalogBenchmarks: Benchmark[] = [
  {
    name: 'review-catalog-cache',
    description: 'second targeted review on a 2,000-table schema, with and without the catalog cache',
    run: catalogCache,
  },
];
