import { randomBytes } from 'node:crypto';
import type { Pool } from 'mysql2/promise';
import type { DbopsConfig } from '../../src/config/schema.js';
import { createMetaServerProbe } from '../../src/inventory/meta-server.js';
import { createApprovalGate, type ApprovalGate } from '../../src/tickets/approval-gate.js';
import type { DbaDirectory } from '../../src/tickets/dba-directory.js';
import { createProtectedTargets, type ProtectedTargets } from '../../src/tickets/protected-targets.js';
import { createSealer, type Sealer } from '../../src/tickets/seal.js';
import type { TicketStore } from '../../src/tickets/store.js';

/**
 * dbops' key for this test process (base64), so the fixtures, the in-process workers and spawned
 * worker processes (DBOPS_SECRET_KEY) seal and verify alike, and no test reads ~/.dbops.
 */
export const TEST_SECRET_KEY = randomBytes(32).toString('base64');

/** Seals as a dbops process of this test run does for the installation (`runtime.installation`, a fixture's). */
export function testSealer(installation: string): Sealer {
  return createSealer(Buffer.from(TEST_SECRET_KEY, 'base64'), installation);
}

/** The sealer, approval gate and protected-target check a ticket service or runner needs, on a test's own meta database. */
export function approvalParts(deps: {
  installation: string;
  store: TicketStore;
  config: Pick<DbopsConfig, 'clusters' | 'policy' | 'execution' | 'grants'>;
  dbas: Pick<DbaDirectory, 'members'>;
  /** The meta database; every cluster is taken to be on its server (only consulted for a schema named like it). */
  meta: Pool;
}): { sealer: Sealer; gate: ApprovalGate; protection: ProtectedTargets } {
  const sealer = testSealer(deps.installation);
  return {
    sealer,
    gate: createApprovalGate({ store: deps.store, sealer, dbas: deps.dbas, config: deps.config }),
    protection: createProtectedTargets({
      config: deps.config,
      meta: createMetaServerProbe({ meta: deps.meta, primary: () => deps.meta }),
    }),
  };
}
