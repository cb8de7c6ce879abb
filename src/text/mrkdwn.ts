/**
 * Slack's mrkdwn, and the one place text from users is made safe for it.
 *
 * In mrkdwn, `&`, `<` and `>` are markup: `<!channel>` notifies a whole channel, `<@U123>` mentions
 * someone, `<https://evil|click>` is a link that hides where it goes. Whatever a user (or a
 * database, or an error) wrote is shown as typed only once those three are escaped. Views take
 * such text raw and escape it as they render; texts from engines (errors, job summaries,
 * milestones) are plain text, at most with backtick code spans (`plainCode`), escaped whole by the
 * view that shows them (plainToMrkdwn); such a text mentions someone with plainMention.
 */

/** Escape text for mrkdwn (Slack's rule: `&`, `<` and `>` become entities; nothing else needs it). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Marks around a mention in plain text: private-use characters, which Slack text never needs. */
const MENTION = { open: '\uE000', close: '\uE001' } as const;

/** A mention of a Slack user inside plain text (a job's note, an error): live once plainToMrkdwn renders the text. */
export function plainMention(userId: string): string {
  return `${MENTION.open}${userId}${MENTION.close}`;
}

/**
 * Plain text (an error's message, a job's summary or milestone, backtick code allowed) as mrkdwn:
 * all of it escaped, then the mentions plainMention wrote made live. Nothing else in it can become
 * markup: the worst a forged mark can do is mention one user.
 */
export function plainToMrkdwn(text: string): string {
  return escapeMrkdwn(text)
    .replace(/\uE000([UW][A-Z0-9]{2,})\uE001/g, '<@$1>')
    .replace(/[\uE000\uE001]/g, '');
}

/** Undo Slack's escaping of what people typed (slash command and message text): the text as they wrote it. */
export function decodeSlackEscapes(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** What may stand between two backticks: no backtick (it would end the span) and no line break (nor would it). */
function codeSpanText(text: string): string {
  return text.replace(/`/g, "'").replace(/\r?\n/g, ' ');
}

/** Inline code in mrkdwn: shown literally (no bold, links or mentions), escaped. */
export function code(text: string): string {
  return `\`${escapeMrkdwn(codeSpanText(text))}\``;
}

/** Inline code in a plain-text message (an error, a job's summary): the view that shows it escapes it. */
export function plainCode(text: string): string {
  return `\`${codeSpanText(text)}\``;
}

/** A code block, cut at `max` characters. */
export function codeBlock(text: string, max = 2800): string {
  return `\`\`\`${escapeMrkdwn(cut(text, max).replace(/```/g, "'''"))}\`\`\``;
}

/** Someone's words inline (a reason): “…”, cut at `max` characters, escaped. */
export function quoted(text: string, max: number): string {
  return `“${escapeMrkdwn(cut(text.trim(), max))}”`;
}

/** Someone's words as a block quote under a line of ours, cut at `max` characters, escaped. */
export function blockQuote(text: string, max: number): string {
  return `>${escapeMrkdwn(cut(text.trim(), max)).replace(/\n/g, '\n>')}`;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
