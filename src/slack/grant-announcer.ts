import type { RevokeOutcome } from '../accounts/engine.js';
import type { Grant } from '../accounts/grant-store.js';
import type { GrantAnnouncer } from '../accounts/lifecycle.js';
import type { Logger } from '../kernel/logger.js';
import type { TicketStore } from '../tickets/store.js';
import type { Notifier } from './notifier.js';
import type { Message } from '../text/blocks.js';
import { endsSoonDm, grantReadyDm, revokedMessage } from './views/grants.js';

export interface GrantAnnouncerDeps {
  slack: Notifier;
  tickets: Pick<TicketStore, 'get'>;
  logger: Logger;
}

/** Grant news in Slack: the owner's DMs and the grant ticket's thread. No password ever passes here. */
export function createGrantAnnouncer(deps: GrantAnnouncerDeps): GrantAnnouncer {
  const thread = async (grant: Grant, message: Message) => {
    if (grant.ticketId === null) return;
    const ticket = await deps.tickets.get(grant.ticketId);
    const { threadChannel, threadTs } = ticket?.slack ?? {};
    if (threadChannel && threadTs) await deps.slack.post(threadChannel, message, { threadTs });
  };
  const ticketRef = (grant: Grant) => (grant.ticketId === null ? null : `T-${grant.ticketId}`);
  return {
    async ready(grant, createdAccount) {
      await deps.slack.dm(grant.requester, grantReadyDm(grant, createdAccount, ticketRef(grant)));
    },
    async revoked(grant: Grant, outcome: RevokeOutcome, by: string) {
      const message = revokedMessage(grant, outcome, by);
      await thread(grant, message).catch((err: unknown) =>
        deps.logger.warn('could not post a revoke in its ticket thread', { grant: grant.ref }, err),
      );
      if (by !== grant.requester) await deps.slack.dm(grant.requester, message);
    },
    async endsSoon(grant) {
      await deps.slack.dm(grant.requester, endsSoonDm(grant));
    },
  };
}
