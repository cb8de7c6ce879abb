import type { MetaServer } from '../inventory/meta-server.js';
import { createMetaServerProbe } from '../inventory/meta-server.js';
import { createProtectedTargets } from '../tickets/protected-targets.js';
import { createTicketService, type TicketService } from '../tickets/service.js';
import type { Services } from './services.js';

/**
 * The ticket service of a process: the bot's (every request), and a worker's own where dbops opens
 * tickets by itself (an automatic failover). `metaServer` says which cluster holds the meta database
 * (the protected-target check); by default a probe of this process's pools.
 */
export function ticketServiceOf(s: Services, metaServer?: MetaServer): TicketService {
  const meta = metaServer ?? createMetaServerProbe({ meta: s.meta, primary: (cluster) => s.clusters.primary(cluster) });
  return createTicketService({
    store: s.tickets,
    queue: s.queue,
    clock: s.clock,
    logger: s.logger,
    config: s.config,
    dbas: s.dbas,
    sealer: s.sealer,
    gate: s.gate,
    protection: createProtectedTargets({ config: s.config, meta }),
  });
}
