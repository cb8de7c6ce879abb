/**
 * One migration in its own process, so the benchmark can read its peak memory (`/usr/bin/time -f %M`).
 * Usage: node --import tsx bench/support/migrate-child.ts <source schema> <destination schema> <parallel> [method]
 * Prints the result as one JSON line.
 */
import { optionsSource } from '../../src/migrate/connections.js';
import { runMigration } from '../../src/migrate/engine.js';
import { COPY_METHODS, DEFAULT_COPY_SETTINGS, type CopyMethod } from '../../src/migrate/types.js';

const [source, destination, parallel = '2', method = 'auto'] = process.argv.slice(2);
if (!source || !destination) {
  console.error('usage: migrate-child.ts <source schema> <destination schema> <parallel> [method]');
  process.exit(2);
}
const chosen: CopyMethod = COPY_METHODS.find((m) => m === method) ?? 'auto';
const local = { host: '127.0.0.1', port: 3306, user: 'root' };
const result = await runMigration(
  {
    source: { cluster: 'local', schema: source },
    destination: { cluster: 'local', schema: destination },
    tables: [],
    where: null,
    mode: 'replace',
    objects: [],
  },
  'bench',
  { ...DEFAULT_COPY_SETTINGS, parallel: Number(parallel), method: chosen },
  { source: optionsSource(local, 'source'), destination: optionsSource(local, 'destination') },
);
console.log(JSON.stringify({ rows: result.rows, bytes: result.bytes, seconds: result.seconds, method: result.method }));
