import type { FlowProducer } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DbopsConfig } from '../config/schema.js';
import type { AlertRaiser } from './ticket-alerts.js';
import type { ApprovalGate } from '../tickets/approval-gate.js';
import type { ProtectedTargets } from '../tickets/protected-targets.js';
import type { TicketStore } from '../tickets/store.js';
import type { ActiveRuns } from './active-runs.js';
import type { JobRegistry } from './registry.js';
import type { ContextDeps } from './run-context.js';
import type { TicketCard } from './run-reporter.js';
import type { KeySpace } from '../db/redis-keys.js';
import type { CatalogVersions } from '../review/catalog/catalog-cache.js';

/** What the ticket and part processors share; built once per worker process. */
export interface RunnerDeps extends ContextDeps {
  registry: JobRegistry;
  tickets: TicketStore;
  announcer: TicketCard;
  config: Pick<DbopsConfig, 'clusters'>;
  redis: Redis;
  keys: KeySpace;
  flows: FlowProducer;
  active: ActiveRuns;
  /** This worker's name in logs and the thread (`host:pid`). */
  worker: string;
  /** The ticket queue's name; each cluster's run queue is named after it. */
  ticketQueue: string;
  prefix: string;
  /** How often a running part writes its heartbeat and reads its stop key. */
  heartbeatMs: number;
  /** Checked before a ticket starts or is queued again: only sealed approvals count (src/tickets/approval-gate.ts). */
  gate: ApprovalGate;
  /** Checked before a ticket starts: dbops' own schemas and the server's are never touched. */
  protection: ProtectedTargets;
  /** A failed ticket job raises an alert in the alert channel (src/monitor/); absent in tests that don't care. */
  alerts?: AlertRaiser;
  /** Bumped for each cluster a run wrote to, so reviews read its catalog again (src/review/catalog/catalog-cache.ts). */
  catalogVersions?: Pick<CatalogVersions, 'bump'>;
}
