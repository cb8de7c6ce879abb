import { UnrecoverableError, type Job } from 'bullmq';
import type { RunnerDeps } from './runner-deps.js';

/**
 * A job whose data names another dbops installation reached this one's workers: refuse it without
 * reading or touching anything (this installation's ticket with the same number is another ticket).
 * Each installation keeps its queues under its own Redis prefix, so this takes a job copied by hand
 * or a misconfiguration; the job fails with the reason and nothing is retried.
 */
export function refuseForeignJob(
  job: Job,
  data: { installation: string; ticketId: number },
  deps: Pick<RunnerDeps, 'installation' | 'logger'>,
): void {
  if (data.installation === deps.installation) return;
  deps.logger.warn('refused a job of another dbops installation', {
    jobId: job.id,
    queue: job.queueName,
    ticket: `T-${data.ticketId}`,
    jobInstallation: data.installation,
    installation: deps.installation,
  });
  throw new UnrecoverableError(
    `job ${job.id} is T-${data.ticketId} of dbops installation ${data.installation}, not of this one (${deps.installation}): ` +
      `refused. Nothing was run, and this installation's T-${data.ticketId} was not touched`,
  );
}
