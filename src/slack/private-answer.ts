import { z } from 'zod';
import type { Logger } from '../kernel/logger.js';
import type { Notifier } from './notifier.js';
import type { TicketAnnouncer } from './ticket-announcer.js';
import type { Message } from '../text/blocks.js';
import { toError } from '../kernel/errors.js';

/**
 * Where a click or a form came from, so the answer goes back there privately: a message in a
 * channel (an ephemeral note to the clicker), an ephemeral message (its response_url), or the
 * App Home (republished with the answer on top).
 */
export type Surface =
  | { kind: 'message'; channel: string; ts: string; ephemeral: boolean; responseUrl?: string }
  | { kind: 'home' }
  | { kind: 'elsewhere'; channel?: string; responseUrl?: string };

/** The parts of a block_actions payload that say where the click happened. */
export const ClickSource = z.object({
  container: z
    .looseObject({
      type: z.string(),
      channel_id: z.string().optional(),
      message_ts: z.string().optional(),
      is_ephemeral: z.boolean().optional(),
    })
    .optional(),
  channel: z.looseObject({ id: z.string() }).optional(),
  view: z.looseObject({ type: z.string() }).optional(),
  response_url: z.string().optional(),
});
export type ClickSource = z.infer<typeof ClickSource>;

export function surfaceOf(source: ClickSource): Surface {
  const { container } = source;
  if (source.view?.type === 'home') return { kind: 'home' };
  const channel = container?.channel_id ?? source.channel?.id;
  if (container?.type === 'message' && channel && container.message_ts) {
    return {
      kind: 'message',
      channel,
      ts: container.message_ts,
      ephemeral: container.is_ephemeral === true,
      responseUrl: source.response_url,
    };
  }
  return { kind: 'elsewhere', channel, responseUrl: source.response_url };
}

export interface AnswerDeps {
  slack: Notifier;
  announcer: TicketAnnouncer;
  logger: Logger;
  /** Origins a response_url may point at (Slack's hooks, or the local Slack API in tests). */
  responseOrigins: readonly string[];
}

/** POST to a response_url, if it points at Slack. */
export async function postToResponseUrl(
  url: string,
  body: Record<string, unknown>,
  deps: Pick<AnswerDeps, 'responseOrigins'>,
): Promise<void> {
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    throw new Error('not a response_url');
  }
  if (!deps.responseOrigins.includes(origin)) throw new Error(`a response_url must point at Slack, not ${origin}`);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
}

/**
 * Tell `user` something only they see, on the surface they acted on. Falls back to a DM when the
 * surface can't take it (the bot is not in the channel, the response_url expired).
 */
export async function answerPrivately(
  user: string,
  surface: Surface,
  message: Message,
  deps: AnswerDeps,
  options: { replace?: boolean } = {},
): Promise<void> {
  try {
    if (surface.kind === 'home')
      return await deps.announcer.publishHome(user, message.blocks.length > 0 ? sectionText(message) : message.text);
    if (surface.responseUrl && (surface.kind !== 'message' || surface.ephemeral)) {
      return await postToResponseUrl(
        surface.responseUrl,
        {
          response_type: 'ephemeral',
          replace_original: options.replace === true,
          text: message.text,
          blocks: message.blocks,
        },
        deps,
      );
    }
    if (surface.channel) return await deps.slack.ephemeral(surface.channel, user, message);
  } catch (err) {
    deps.logger.warn(
      'could not answer on the surface clicked; sending a DM',
      { user, surface: surface.kind },
      toError(err),
    );
  }
  await deps.slack
    .dm(user, message)
    .catch((err: unknown) => deps.logger.error('could not answer a user at all', { user }, toError(err)));
}

/** The text of a one-section message (Home shows it as a notice). */
function sectionText(message: Message): string {
  const first = message.blocks[0];
  return first?.type === 'section' && first.text ? first.text.text : message.text;
}
