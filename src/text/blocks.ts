import type { KnownBlock, MrkdwnElement } from '@slack/types';
import { blockQuote, code, codeBlock, escapeMrkdwn, plainCode, plainToMrkdwn, quoted } from './mrkdwn.js';

/** The escaping helpers every view uses (one implementation: src/text/mrkdwn.ts). */
export { blockQuote, code, codeBlock, escapeMrkdwn, plainCode, plainToMrkdwn, quoted };

/** Small builders shared by views. Slack limits: section text 3000 chars, header 150, 50 blocks a message. */
export const LIMITS = { sectionText: 3000, headerText: 150, blocks: 50, contextElements: 10 } as const;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true } };
}

/**
 * A mrkdwn text object. `verbatim`: Slack does not turn plain words into links or mentions (a
 * URL, `#channel`, `@here` in someone's text stays text); our own `<@U…>` and `<url|label>` still work.
 */
export function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText), verbatim: true };
}

export function section(markdown: string): KnownBlock {
  return { type: 'section', text: mrkdwn(markdown) };
}

export function context(...markdown: string[]): KnownBlock {
  return { type: 'context', elements: markdown.slice(0, LIMITS.contextElements).map(mrkdwn) };
}

export function divider(): KnownBlock {
  return { type: 'divider' };
}

export interface Message {
  text: string;
  blocks: KnownBlock[];
}
