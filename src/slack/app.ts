import { type IncomingMessage, Server, type ServerResponse } from 'node:http';
import { App, HTTPReceiver, type CustomRoute } from '@slack/bolt';
import type { Logger } from '../kernel/logger.js';
import type { CommandDeps } from './command.js';
import { registerListeners } from './listeners/index.js';
import { refuseOffClockRequests } from './request-clock.js';

/** Where Slack sends commands, interactivity and events in HTTP mode. */
const SLACK_ENDPOINT = '/slack/events';

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

/** A route that reads the request itself (the HTTP API): method, path with `:params`, handler. */
export interface RequestRoute {
  path: string;
  method: 'GET' | 'POST';
  handler(req: IncomingMessage & { params?: Record<string, string | string[]> }, res: ServerResponse): void;
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
  requestRoutes: RequestRoute[] = [],
): SlackApp {
  const customRoutes: CustomRoute[] = [...routes.map(toCustomRoute), ...requestRoutes];
  const common = { token: settings.botToken, logger, clientOptions: { slackApiUrl: settings.apiUrl } };
  const app = settings.appToken
    ? new App({
        ...common,
        customRoutes,
        appToken: settings.appToken,
        socketMode: true,
        // The Socket Mode client has a WebClient of its own (apps.connections.open): it must use the
        // same Slack API URL as the app's, or a proxy's (or the local Slack's) URL is silently bypassed.
        installerOptions: { port: settings.port, clientOptions: { slackApiUrl: settings.apiUrl } },
      })
    : new App({ ...common, receiver: httpReceiver(requireSigningSecret(settings), customRoutes, logger) });
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

/**
 * Bolt's HTTP receiver (it verifies every signature; that is never turned off), with dbops' clock
 * check in front of it: Bolt alone accepts timestamps from the future (src/slack/request-clock.ts).
 */
function httpReceiver(signingSecret: string, customRoutes: CustomRoute[], logger: Logger): HTTPReceiver {
  const receiver = new HTTPReceiver({ signingSecret, endpoints: SLACK_ENDPOINT, customRoutes, logger });
  receiver.requestListener = refuseOffClockRequests(receiver.requestListener, { paths: [SLACK_ENDPOINT], logger });
  return receiver;
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
