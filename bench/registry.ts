import { backupBenchmarks } from './backup.js';
import { diagnoseBenchmarks } from './diagnose.js';
import { executeBenchmarks } from './execute.js';
import { monitorBenchmarks } from './monitor.js';
import { migrateBenchmarks } from './migrate.js';
import { migratePathBenchmarks } from './migrate-path.js';
import { reviewBenchmarks } from './review.js';
import { reviewCatalogBenchmarks } from './review-catalog.js';
import { runnerBenchmarks } from './runner.js';

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<void>;
}

/** Every benchmark; add one by writing bench/<name>.ts and listing it here. */
export const benchmarks: Benchmark[] = [
  ...reviewBenchmarks,
  ...reviewCatalogBenchmarks,
  ...migrateBenchmarks,
  ...migratePathBenchmarks,
  ...monitorBenchmarks,
  ...runnerBenchmarks,
  ...executeBenchmarks,
  ...diagnoseBenchmarks,
  ...backupBenchmarks,
];
