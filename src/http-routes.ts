import { createServer, type Server } from 'node:http';
import type { Metrics } from './metrics.js';
import type { HttpRoute } from './slack/app.js';

/** `/metrics` for the bot's HTTP endpoint or the worker's. */
export function metricsRoute(metrics: Metrics): HttpRoute {
  return {
    path: '/metrics',
    handle: async () => ({
      status: 200,
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      body: await metrics.render(),
    }),
  };
}

/**
 * A bare HTTP endpoint for processes without the Slack app (DBOPS_ROLE=worker): `/healthz` and
 * `/metrics` for probes and Prometheus. GET only; anything else is 404.
 */
export async function serveRoutes(
  routes: readonly HttpRoute[],
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = req.method === 'GET' ? routes.find((r) => r.path === path) : undefined;
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    route.handle().then(
      ({ status, contentType, body }) => {
        res.writeHead(status, { 'content-type': contentType });
        res.end(body);
      },
      () => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('error\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  const address = server.address();
  const bound = address && typeof address === 'object' ? address.port : port;
  return {
    port: bound,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
