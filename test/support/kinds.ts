import { ticketKinds } from '../../jobs/index.js';
import { KindRegistry } from '../../src/tickets/kind.js';

/** The ticket kinds of jobs/index.ts, as the stores and checks of tests read them. */
export const realKinds = new KindRegistry(ticketKinds);
