/**
 * Why a running job was told to stop: the `reason` of its AbortSignal. Kinds may read `kind` to
 * word their own messages; the runner decides what happens to the ticket.
 */
export class JobStop extends Error {
  constructor(
    readonly kind: 'cancel' | 'part_failed' | 'shutdown',
    message: string,
    /** Who asked (a Slack user id) for a cancel. */
    readonly by?: string,
  ) {
    super(message);
    this.name = 'JobStop';
  }
}

export function isJobStop(value: unknown): value is JobStop {
  return value instanceof JobStop;
}

/**
 * A non-idempotent step was started by an earlier worker and never recorded as done: it may or may
 * not have taken effect, so it is not run again and the ticket stops here.
 */
export class InterruptedStepError extends Error {
  constructor(
    readonly step: string,
    ticketRef: string,
  ) {
    super(
      `step “${step}” of ${ticketRef} was interrupted (the worker running it stopped or it failed) and is not safe to run again: ` +
        'it may or may not have taken effect. Check the target by hand, then retry the ticket or open a new one for what is left.',
    );
    this.name = 'InterruptedStepError';
  }
}

/** This worker no longer holds the run (another worker took it over): it must record nothing more. */
export class FencedError extends Error {
  constructor(what: string) {
    super(`${what}: another worker took this run over, so this one stops without recording anything`);
    this.name = 'FencedError';
  }
}

/** The worker is shutting down: the job goes back to the queue for another worker. */
export class HandBack extends Error {
  constructor() {
    super('the worker is shutting down; the job is handed back to the queue');
    this.name = 'HandBack';
  }
}

/** The first line of an error's message, without stack or SQL text beyond it: what users see. */
export function causeOf(err: unknown): string {
  if (err instanceof Error) {
    const code = 'code' in err && typeof err.code === 'string' ? err.code : undefined;
    const first = err.message.split('\n')[0]?.trim() || err.name;
    return code && !first.includes(code) ? `${first} (${code})` : first;
  }
  return String(err);
}
