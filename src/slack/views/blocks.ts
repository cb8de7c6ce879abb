import type { KnownBlock } from '@slack/types';

/** Small builders shared by views. Slack limits: section text 3000 chars, header 150, 50 blocks a message. */
export const LIMITS = { sectionText: 3000, headerText: 150, blocks: 50, contextElements: 10 } as const;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true } };
}

export function section(markdown: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(markdown, LIMITS.sectionText) } };
}

export function context(...markdown: string[]): KnownBlock {
  return {
    type: 'context',
    elements: markdown
      .slice(0, LIMITS.contextElements)
      .map((text) => ({ type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) })),
  };
}

export function divider(): KnownBlock {
  return { type: 'divider' };
}

/** Escape text for mrkdwn (Slack needs &, < and > escaped). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code that survives backticks inside the text. */
export function code(text: string): string {
  return '`' + escapeMrkdwn(text.replace(/`/g, "'")) + '`';
}

export function codeBlock(text: string, max = 2800): string {
  return '```' + escapeMrkdwn(truncate(text, max).replace(/```/g, "'''")) + '```';
}

export interface Message {
  text: string;
  blocks: KnownBlock[];
}
