/**
 * A dbops worker process for tests: the real entry point (src/main.ts, with DBOPS_ROLE=worker and
 * the env the test gives it), with the test-only job kinds registered besides the real ones (in
 * place of the real ones of the same name), or only the real ones with DBOPS_TEST_KINDS=real.
 * Started by `spawnWorker` (worker-processes.ts) as `node --import tsx test/support/worker-process.ts`.
 */
import { ticketKinds } from '../../jobs/index.js';
import { main } from '../../src/main.js';
import { testKinds } from './runner-kinds.js';

const names = new Set(testKinds.map((k) => k.name));
await main({
  jobs:
    process.env.DBOPS_TEST_KINDS === 'real'
      ? ticketKinds
      : [...ticketKinds.filter((k) => !names.has(k.name)), ...testKinds],
  workerName: process.env.DBOPS_TEST_WORKER_NAME,
});
