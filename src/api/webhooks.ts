/**
 * Outbound webhooks: each ticket change (`ticket.<state>`) is POSTed as JSON to the URLs in
 * dbops.yml (`webhooks`), signed the way Slack signs its requests to apps:
 * `X-Dbops-Signature: v0=hex(HMAC-SHA256(secret, "v0:" + X-Dbops-Request-Timestamp + ":" + body))`.
 * A delivery that fails (network, 5xx, 429) is retried with exponential backoff; the same
 * `X-Dbops-Delivery` id and body go again, so a receiver can drop repeats. Deliveries are sent by
 * the process that made the change (bot or worker) and live in its memory while they wait.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { DbopsConfig, Webhook } from '../config/schema.js';
import type { Logger } from '../kernel/logger.js';
import type { Ticket, TicketEvent } from '../tickets/ticket.js';
import { ticketView } from './ticket-view.js';

export interface Webhooks {
  /** Queue the change for every webhook that asked for it; returns at once. */
  notify(ticket: Ticket, event: TicketEvent): void;
  /** Stop retrying; resolves when deliveries under way have ended. */
  close(): Promise<void>;
}

/** Slack's scheme with our names: what a receiver checks (see README). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

const REQUEST_TIMEOUT_MS = 10_000;

interface Target extends Webhook {
  secret: string;
}

export function createWebhooks(
  config: Pick<DbopsConfig, 'webhooks'>,
  secrets: Record<string, string | undefined>,
  logger: Logger,
  clock: () => Date = () => new Date(),
): Webhooks {
  const targets: Target[] = [];
  for (const hook of config.webhooks) {
    const secret = secrets[hook.secret_env];
    if (!secret) {
      logger.warn('webhook off: its secret variable is unset', { url: origin(hook.url), variable: hook.secret_env });
      continue;
    }
    targets.push({ ...hook, secret });
  }
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  const attempt = (target: Target, delivery: { id: string; name: string; body: string }, n: number): void => {
    const sending = send(target, delivery).then((outcome) => {
      inFlight.delete(sending);
      if (outcome === 'ok') return;
      const fields = { url: origin(target.url), event: delivery.name, delivery: delivery.id, attempt: n, outcome };
      if (outcome === 'refused' || n >= target.attempts || closed) {
        logger.warn('webhook delivery given up', fields);
        return;
      }
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          attempt(target, delivery, n + 1);
        },
        target.backoff_seconds * 1000 * 2 ** (n - 1),
      );
      timers.add(timer);
    });
    inFlight.add(sending);
  };

  return {
    notify(ticket, event) {
      if (closed || targets.length === 0) return;
      const name = `ticket.${event.toState}`;
      for (const target of targets) {
        if (target.events && !target.events.some((e) => e === name)) continue;
        const id = randomUUID();
        const body = JSON.stringify({
          event: name,
          delivery_id: id,
          at: clock().toISOString(),
          ticket: ticketView(ticket),
        });
        attempt(target, { id, name, body }, 1);
      }
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...inFlight]);
    },
  };
}

/** One POST: 'ok' on 2xx, 'retry' on a network fault, 429 or 5xx, 'refused' on another answer. */
async function send(target: Target, delivery: { id: string; name: string; body: string }): Promise<string> {
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'dbops-webhooks/1',
        'x-dbops-event': delivery.name,
        'x-dbops-delivery': delivery.id,
        'x-dbops-request-timestamp': String(timestamp),
        'x-dbops-signature': signWebhook(target.secret, timestamp, delivery.body),
      },
      body: delivery.body,
      redirect: 'error',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return 'ok';
    return res.status === 429 || res.status >= 500 ? 'retry' : 'refused';
  } catch {
    return 'retry';
  }
}

/** A URL for logs: its origin only (a path or query may carry a token of the receiver's). */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(bad url)';
  }
}
