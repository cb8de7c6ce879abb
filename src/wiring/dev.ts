import { randomBytes } from 'node:crypto';
import type { DbopsConfig } from '../config/schema.js';
import { FakeSlackApi } from '../dev/fake-slack-api.js';
import { localWorkspaceSetup, startLocalWorkspace, type LocalWorkspaceSetup } from '../dev/workspace/index.js';
import type { Logger } from '../kernel/logger.js';
import type { SlackSettings } from '../slack/app.js';
import type { Closers } from '../closers.js';
import { hasBot, roles, type Role } from './roles.js';
import type { Runtime } from './runtime-options.js';
import { openServices, type ServiceInput } from './services.js';

/**
 * The dev wiring, for `npm start` without SLACK_BOT_TOKEN: a local Slack Web API stands in for
 * Slack so dbops still starts, the role runs against it, and where the role has the bot the local
 * workspace page opens (README, "Try it without Slack"). The only importer of src/dev/.
 */
export async function startDev(
  role: Role,
  input: Omit<ServiceInput, 'slack'>,
  closers: Closers,
): Promise<Omit<Runtime, 'stop'>> {
  const { config, env, logger } = input;
  const setup = localWorkspaceSetup(config);
  const api = new FakeSlackApi(setup.api);
  await api.start(0);
  closers.push(() => api.close());
  logger.warn('SLACK_BOT_TOKEN is not set: running against a local Slack API (see README, "Try it without Slack")', {
    localSlackApi: api.url,
  });
  const slack: SlackSettings = {
    botToken: 'xoxb-local',
    signingSecret: randomBytes(16).toString('hex'),
    apiUrl: api.url,
    port: env.PORT,
  };
  const services = await openServices({ ...input, slack }, closers);
  const started = await roles[role](services, closers);
  const workspaceUrl = hasBot(role)
    ? await openWorkspace(
        { api, setup, config, port: started.port, requestedPort: env.PORT, signingSecret: slack.signingSecret, logger },
        closers,
      )
    : undefined;
  return { ...started, localSlackUrl: api.url, workspaceUrl };
}

interface WorkspaceParts {
  api: FakeSlackApi;
  setup: LocalWorkspaceSetup;
  config: DbopsConfig;
  /** The bot's port, and the one asked for (the page takes the next one, or any free one). */
  port: number;
  requestedPort: number;
  signingSecret?: string;
  logger: Logger;
}

/** The local workspace page, where people act as the developer or a DBA; its URL goes to the log and stdout. */
async function openWorkspace(parts: WorkspaceParts, closers: Closers): Promise<string> {
  const { api, setup, config, port, requestedPort, logger } = parts;
  const workspace = await startLocalWorkspace({
    api,
    setup,
    config,
    botUrl: `http://127.0.0.1:${port}`,
    signingSecret: parts.signingSecret ?? '',
    port: requestedPort === 0 ? 0 : requestedPort + 1,
  });
  closers.push(() => workspace.close());
  logger.info('local workspace is open', { url: workspace.url });
  process.stdout.write(
    `\n  dbops local workspace: ${workspace.url}\n` +
      '  (no SLACK_BOT_TOKEN: act as a developer or a DBA in your browser; see README, "Try it without Slack")\n\n',
  );
  return workspace.url;
}
