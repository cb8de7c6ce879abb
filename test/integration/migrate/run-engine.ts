/**
 * A migration in a child process, for tests that kill it (SIGKILL) in the middle of the copy.
 * Usage: node --import tsx test/integration/migrate/run-engine.ts <source> <destination> <runId> <chunkRows>
 * Prints one line per copied chunk (`chunk <rows>`), then `done`.
 */
import { runMigration } from '../../../src/migrate/engine.js';
import { localDeps, spec, TEST_SETTINGS } from './support.js';

const [source, destination, runId, chunkRows] = process.argv.slice(2);
await runMigration(
  spec(source, destination),
  runId,
  { ...TEST_SETTINGS, chunkRows: Number(chunkRows), parallel: 2 },
  localDeps({ onProgress: (p) => p.phase === 'copy' && process.stdout.write(`chunk ${p.rows}\n`) }),
);
process.stdout.write('done\n');
