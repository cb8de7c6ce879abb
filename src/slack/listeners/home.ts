import type { App } from '@slack/bolt';
import { z } from 'zod';
import type { CommandDeps } from '../command.js';
import { toError } from '../../kernel/errors.js';

const HomeOpened = z.object({ user: z.string(), tab: z.string().optional() });

/** App Home: each time a user opens the Home tab, publish their open tickets (and, for DBAs, approvals waiting). */
export function registerHome(app: App, deps: CommandDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    const parsed = HomeOpened.safeParse(event);
    if (!parsed.success || parsed.data.tab === 'messages') return;
    try {
      await deps.announcer.publishHome(parsed.data.user);
    } catch (err) {
      deps.logger.error('could not publish the App Home', { user: parsed.data.user }, toError(err));
    }
  });
}
