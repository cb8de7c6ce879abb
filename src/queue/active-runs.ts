import { JobStop } from './errors.js';

/** One unit of work this process is running now: a ticket's planning (part -1) or one part. */
export interface ActiveRun {
  readonly ticketId: number;
  readonly attempt: number;
  readonly part: number;
  readonly controller: AbortController;
  /** The step running now; shutdown aborts an idempotent step at once and lets any other finish. */
  current: { name: string; idempotent: boolean } | null;
  /** Set at shutdown: no new step starts, the job goes back to the queue. */
  handingBack: boolean;
}

/** What this worker process is running, so a stop (from any process) or a shutdown reaches it. */
export class ActiveRuns {
  private readonly runs = new Set<ActiveRun>();
  private emptied: Array<() => void> = [];

  open(ticketId: number, attempt: number, part: number): ActiveRun {
    const run: ActiveRun = {
      ticketId,
      attempt,
      part,
      controller: new AbortController(),
      current: null,
      handingBack: false,
    };
    this.runs.add(run);
    return run;
  }

  close(run: ActiveRun): void {
    this.runs.delete(run);
    if (this.runs.size === 0) {
      for (const resolve of this.emptied) resolve();
      this.emptied = [];
    }
  }

  get size(): number {
    return this.runs.size;
  }

  /** Is any part of this ticket attempt running here? */
  holds(ticketId: number, attempt: number): boolean {
    return [...this.runs].some((r) => r.ticketId === ticketId && r.attempt === attempt);
  }

  /** Abort everything this process runs for the ticket attempt; how many were running. */
  stop(ticketId: number, attempt: number, reason: JobStop): number {
    let n = 0;
    for (const run of this.runs) {
      if (run.ticketId !== ticketId || run.attempt !== attempt || run.controller.signal.aborted) continue;
      run.controller.abort(reason);
      n++;
    }
    return n;
  }

  /**
   * Shutdown: every run hands its job back. An idempotent step (or a run between steps) is
   * aborted now; a non-idempotent step is left to finish, and the run stops before the next one.
   */
  handBackAll(): void {
    for (const run of this.runs) {
      run.handingBack = true;
      if (!run.current || run.current.idempotent) abortForShutdown(run);
    }
  }

  /** Resolves when nothing runs here any more. */
  whenEmpty(): Promise<void> {
    if (this.runs.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.emptied.push(resolve));
  }
}

export function abortForShutdown(run: ActiveRun): void {
  if (!run.controller.signal.aborted)
    run.controller.abort(new JobStop('shutdown', 'the worker is shutting down; the job goes back to the queue'));
}
