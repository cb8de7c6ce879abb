import type { TicketJobKind } from '../src/queue/job-kind.js';

/** Every ticket job kind; workers route by `job.name`. The registry test checks it against the files here. */
export const ticketJobs: readonly TicketJobKind[] = [];
