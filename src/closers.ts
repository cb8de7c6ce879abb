import type { Logger } from './kernel/logger.js';

type Close = () => Promise<unknown>;

/**
 * What a start opened, closed in reverse order. A part that finishes opening after the close (a
 * start stopped half-way goes on in the background until the process exits) is closed at once.
 */
export class Closers {
  private readonly opened: Close[] = [];
  private closed = false;

  constructor(private readonly logger: Logger) {}

  push(close: Close): void {
    if (this.closed) void this.run(close);
    else this.opened.push(close);
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    for (const close of this.opened.splice(0).reverse()) await this.run(close);
  }

  private run(close: Close): Promise<unknown> {
    return close().catch((err: unknown) => this.logger.warn('error while shutting down', err));
  }
}

/** A start stopped by its signal (SIGTERM while dbops was still starting). */
export class StartAborted extends Error {
  constructor() {
    super('the start was stopped before it finished');
    this.name = 'StartAborted';
  }
}

/** `work`, unless `signal` aborts first: then a StartAborted rejection (and `work` is left to settle unobserved). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined); // once aborted, nobody awaits it: its failure must not become unhandled
  if (signal.aborted) return Promise.reject(new StartAborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new StartAborted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
