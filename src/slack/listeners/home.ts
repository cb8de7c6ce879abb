import type { App, SlackEventMiddlewareArgs } from '@slack/bolt';
import { z } from 'zod';
import type { CommandDeps } from '../command.js';
import { guarded } from './guard.js';

const HomeOpened = z.object({ user: z.string(), tab: z.string().optional() });

/** App Home: each time a user opens the Home tab, publish their open tickets (and, for DBAs, approvals waiting). */
export function registerHome(app: App, deps: CommandDeps): void {
  app.event(
    'app_home_opened',
    guarded<SlackEventMiddlewareArgs<'app_home_opened'>>(
      { what: 'publishing the App Home', logger: deps.logger },
      async ({ event }, scope) => {
        const parsed = HomeOpened.safeParse(event);
        if (!parsed.success || parsed.data.tab === 'messages') return;
        scope.fields.user = parsed.data.user;
        await deps.announcer.publishHome(parsed.data.user);
      },
    ),
  );
}
