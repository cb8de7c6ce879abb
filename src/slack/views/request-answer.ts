import type { KnownBlock } from '@slack/types';
import type { GrantFinding } from '../../accounts/review.js';
import type { RequestAnswer } from '../../requests/answer.js';
import { section, type Message } from '../../text/blocks.js';
import { oscCleanedUpMessage } from './execution.js';
import { reviewReportMessage } from './review-report.js';
import {
  announceFailedMessage,
  autoApprovedMessage,
  duplicateMessage,
  privateNote,
  problemNote,
  ticketBlockedMessage,
  ticketOpenedMessage,
} from './ticket-replies.js';

/** What a request (src/requests) tells the requester, privately, as a message. */
export function requestAnswerMessage(answer: RequestAnswer): Message {
  switch (answer.kind) {
    case 'note':
      return withDetails(privateNote(answer.text, answer.icon), answer.details);
    case 'problem':
      return problemNote(answer.text, answer.icon);
    case 'blocked': {
      const { review } = answer;
      const blocks =
        'grant' in review
          ? review.grant.map((f) => section(grantFindingText(f)))
          : reviewReportMessage({ report: review.report, requestedBy: review.requestedBy }).blocks;
      return ticketBlockedMessage(answer.ticket, blocks);
    }
    case 'duplicate':
      return duplicateMessage(answer.ticket, answer.permalink);
    case 'opened':
      return withDetails(ticketOpenedMessage(answer.ticket, answer.permalink), answer.details);
    case 'not_posted':
      return withDetails(announceFailedMessage(answer.ticket, answer.channel, answer.error), answer.details);
    case 'auto_approved':
      return withDetails(
        autoApprovedMessage(answer.ticket, answer.handOff, answer.permalink, answer.timezone),
        answer.details,
      );
    case 'osc_cleaned_up': {
      const done = oscCleanedUpMessage(answer.ticket, answer.by, answer.dropped, answer.table);
      return privateNote(`Done: ${done.text.replace(/^:broom: /, '')}`, ':white_check_mark:');
    }
  }
}

function grantFindingText(f: GrantFinding): string {
  return `*${f.severity}* \`${f.rule}\`: ${f.message}. ${f.fix}.`;
}

/** The ticket answer with the kind's details after its first line (a migration or a run has no review to show). */
function withDetails(message: Message, details: KnownBlock[] | undefined): Message {
  if (details === undefined) return message;
  const [first, ...rest] = message.blocks ?? [];
  const others = rest.filter((b) => !(b.type === 'context' && JSON.stringify(b).includes('Review:')));
  return { ...message, blocks: [...(first ? [first] : []), ...details, ...others] };
}
