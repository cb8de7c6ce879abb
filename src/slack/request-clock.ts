import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from '../kernel/logger.js';

/** Slack's replay window: a request signed further than this from now, either way, is refused. */
export const MAX_SKEW_SECONDS = 5 * 60;

export interface RequestClockOptions {
  /** The paths Slack signs requests to (Bolt's endpoints); other routes (`/healthz`) pass untouched. */
  paths: readonly string[];
  logger: Logger;
  /** Seconds since the epoch; tests may pin it. */
  nowSeconds?: () => number;
}

/**
 * In front of Bolt's own verification (which stays on): Bolt refuses a timestamp more than five
 * minutes old but accepts one from the future, so a captured request signed ahead of time could be
 * replayed until then. This refuses `|now − X-Slack-Request-Timestamp| > 5 min` either way (and a
 * missing or malformed one) with 401 before the body is read; everything else goes on to Bolt.
 */
export function refuseOffClockRequests(next: RequestListener, options: RequestClockOptions): RequestListener {
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return (req: IncomingMessage, res: ServerResponse) => {
    const path = pathOf(req);
    if (!options.paths.includes(path)) return next(req, res);
    const skew = skewSeconds(req.headers['x-slack-request-timestamp'], nowSeconds());
    if (skew !== null && Math.abs(skew) <= MAX_SKEW_SECONDS) return next(req, res);
    options.logger.warn('refused a Slack request: its signature timestamp is missing or more than 5 minutes from now', {
      path,
      skewSeconds: skew,
    });
    res.writeHead(401);
    res.end();
  };
}

/** Request timestamp minus now, in seconds; null when the header is not a whole number of seconds. */
export function skewSeconds(header: string | string[] | undefined, now: number): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d{1,12}$/.test(value.trim())) return null;
  return Number(value.trim()) - now;
}

function pathOf(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}
