/**
 * `npm run bench`: every benchmark in bench/, each printing ratios against a baseline measured in
 * the same run on the same machine (absolute times on shared machines mislead).
 * `npm run bench -- review` runs only the ones whose name contains "review".
 */
import { benchmarks } from './registry.js';

const filter = process.argv[2];
for (const bench of benchmarks) {
  if (filter && !bench.name.includes(filter)) continue;
  process.stdout.write(`\n== ${bench.name}: ${bench.description}\n`);
  await bench.run();
}
