import { Server, type ServerResponse } from 'node:http';
import { App, type CustomRoute } from '@slack/bolt';
import type { Logger } from '../logger.js';
import type { CommandDeps } from './command.js';
import { registerListeners } from './listeners/index.js';

export interface SlackSettings {
  botToken: string;
  /** HTTP mode: requests are verified with it (Bolt rejects bad signatures with 401). */
  signingSecret?: string;
  /** Socket Mode when set. */
  appToken?: string;
  apiUrl: string;
  port: number;
}

export interface HttpRoute {
  path: string;
  handle(): Promise<{ status: number; contentType: string; body: string }>;
}

export interface SlackApp {
  app: App;
  /** Starts listening; resolves to the HTTP port actually bound (useful with port 0). */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** The Bolt app in HTTP mode (endpoint /slack/events) or Socket Mode, with /dbops and extra routes. */
export function createSlackApp(
  settings: SlackSettings,
  deps: CommandDeps,
  routes: HttpRoute[],
  logger: Logger,
): SlackApp {
  const customRoutes = routes.map(toCustomRoute);
  const common = {
    token: settings.botToken,
    logger,
    clientOptions: { slackApiUrl: settings.apiUrl },
    customRoutes,
  };
  const app = settings.appToken
    ? new App({ ...common, appToken: settings.appToken, socketMode: true, installerOptions: { port: settings.port } })
    : new App({ ...common, signingSecret: requireSigningSecret(settings), endpoints: '/slack/events' });
  registerListeners(app, deps, { fileOrigins: [new URL(settings.apiUrl).origin] });
  app.error(async (error) => {
    logger.error('unhandled error in a Slack listener', error);
  });
  return {
    app,
    start: async () => {
      const started: unknown = await app.start(settings.port);
      return boundPort(started) ?? settings.port;
    },
    stop: () => app.stop().then(() => undefined),
  };
}

function boundPort(server: unknown): number | undefined {
  if (server instanceof Server) {
    const address = server.address();
    if (address && typeof address === 'object') return address.port;
  }
  return undefined;
}

function requireSigningSecret(settings: SlackSettings): string {
  if (!settings.signingSecret)
    throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
  return settings.signingSecret;
}

function toCustomRoute(route: HttpRoute): CustomRoute {
  return {
    path: route.path,
    method: ['GET'],
    handler: (_req, res: ServerResponse) => {
      route
        .handle()
        .then(({ status, contentType, body }) => {
          res.writeHead(status, { 'content-type': contentType });
          res.end(body);
        })
        .catch(() => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('error\n');
        });
    },
  };
}
