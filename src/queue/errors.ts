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
    /** What the interrupted step was found to have left, when the kind could tell. */
    found?: string | null,
  ) {
    super(
      `step “${step}” of ${ticketRef} was interrupted (the worker running it stopped or it failed) and is not safe to run again: ` +
        (found
          ? `${found} Then retry the ticket or open a new one for what is left.`
          : 'it may or may not have taken effect. Check the target by hand, then retry the ticket or open a new one for what is left.'),
    );
    this.name = 'InterruptedStepError';
  }
}

/**
 * The journal holds a step of this name for other input than the job has now (its fingerprint, a
 * statement's SHA-256, differs): what was recorded is not this step's result, and running it again
 * could repeat or half-repeat a change, so the ticket stops here.
 */
export class StepMismatchError extends Error {
  constructor(
    readonly step: string,
    ticketRef: string,
  ) {
    super(
      `step “${step}” of ${ticketRef} is recorded in the step journal for other input than it has now (its statement text differs), ` +
        'so dbops neither takes it as done nor runs it again. Check the target by hand, then open a new ticket for what is left.',
    );
    this.name = 'StepMismatchError';
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
