/**
 * The local workspace: a Slack-like web page over the local Slack Web API, so dbops can be tried
 * (and worked on) without a Slack workspace. `npm start` without SLACK_BOT_TOKEN starts it.
 */
import type { DbopsConfig } from '../../config/schema.js';
import type { FakeSlackApi } from '../fake-slack-api.js';
import { SlackRequestSender } from '../signed-requests.js';
import { WorkspaceServer } from './server.js';
import { postWelcome, type LocalWorkspaceSetup } from './setup.js';

export { WorkspaceServer, type WorkspaceServerOptions } from './server.js';
export { localWorkspaceSetup, LOCAL_DEVELOPER, type LocalWorkspaceSetup } from './setup.js';
export { workspaceState, type Person, type Role, type WorkspaceState } from './state.js';

export interface LocalWorkspaceOptions {
  api: FakeSlackApi;
  setup: LocalWorkspaceSetup;
  config: Pick<DbopsConfig, 'slack' | 'clusters' | 'policy'>;
  /** Where the bot listens (its /slack/events) and the secret it verifies requests with. */
  botUrl: string;
  signingSecret: string;
  /** Port for the page; when taken, any free port. */
  port: number;
}

export async function startLocalWorkspace(opts: LocalWorkspaceOptions): Promise<WorkspaceServer> {
  const sender = new SlackRequestSender({ baseUrl: opts.botUrl, signingSecret: opts.signingSecret, api: opts.api });
  const server = new WorkspaceServer({
    api: opts.api,
    sender,
    people: opts.setup.people,
    purposes: opts.setup.purposes,
  });
  try {
    await server.start(opts.port);
  } catch (err) {
    if (opts.port === 0 || !(err instanceof Error && 'code' in err && err.code === 'EADDRINUSE')) throw err;
    await server.start(0);
  }
  postWelcome(opts.api, opts.setup, opts.config);
  return server;
}
