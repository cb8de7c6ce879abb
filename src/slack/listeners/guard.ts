import { randomUUID } from 'node:crypto';
import { toError, userFacing } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/logger.js';
import type { Message } from '../../text/blocks.js';
import { internalErrorMessage, plainMessage } from '../views/help.js';

/** What a listener learns about its request as it reads it: for the log line and for the answer. */
export interface Scope {
  /** Log fields: user, action id, ticket… (ids only, never a secret or SQL text). */
  readonly fields: Record<string, unknown>;
  /** The ticket concerned, when there is one (`T-42`): it leads the reference the user is given. */
  ticket?: string;
  /** How to answer the person, once known; a failure before that is only logged. */
  tell?: (message: Message) => Promise<void>;
  /** How an error written for users (a UsageError, …) is shown; `:warning: <message>` unless set. */
  problem?: (text: string) => Message;
}

export interface GuardOptions {
  /** What the listener does, for the log line: `ticket button`, `reject form`. */
  what: string;
  logger: Logger;
  /**
   * `first` (the default): ack before anything else. `own`: the listener acks itself, because its
   * ack carries an answer (a form's field errors); it must ack before any I/O.
   */
  ack?: 'first' | 'own';
}

/** The reference a user gets for an unexpected error, and the log line carries: `T-42-1f0c3a9b`. */
export function referenceFor(ticket?: string): string {
  const id = randomUUID().slice(0, 8);
  return ticket ? `${ticket}-${id}` : id;
}

/**
 * The one wrapper every Slack listener goes through: ack, run, and on an error answer the person
 * with a short message (the error's own words when it is written for users, otherwise an apology
 * with a reference) while the log gets the context and the error; never a stack trace or a secret
 * to Slack. An event has nothing to ack.
 */
export function guarded<A extends { ack?: () => Promise<void> }>(
  options: GuardOptions,
  handler: (args: A, scope: Scope) => Promise<void>,
): (args: A) => Promise<void> {
  return async (args) => {
    if ((options.ack ?? 'first') === 'first') await args.ack?.();
    const scope: Scope = { fields: {} };
    try {
      await handler(args, scope);
    } catch (err) {
      await failed(err, scope, options);
    }
  };
}

async function failed(err: unknown, scope: Scope, options: GuardOptions): Promise<void> {
  const { logger, what } = options;
  const known = userFacing(err);
  if (known) {
    logger.info(`${what}: ${known.code}`, scope.fields);
    const problem = scope.problem ?? ((text: string) => plainMessage(`:warning: ${text}`));
    await answer(problem(known.message), scope, logger, {});
    return;
  }
  const reference = referenceFor(scope.ticket);
  logger.error(`${what} failed`, { ...scope.fields, reference }, toError(err));
  await answer(internalErrorMessage(reference), scope, logger, { reference });
}

async function answer(message: Message, scope: Scope, logger: Logger, fields: Record<string, unknown>): Promise<void> {
  if (!scope.tell) return;
  await scope.tell(message).catch((e: unknown) => {
    logger.error('could not tell the user about a failure', { ...scope.fields, ...fields }, toError(e));
  });
}
