import assert from 'node:assert/strict';
import type { RecordedCall } from '../../src/dev/index.js';

/**
 * Text a test types wherever dbops takes free text (a reason, SQL, a name, a form field, a file
 * name): every piece of it is markup in Slack's mrkdwn, and none of it may reach Slack as markup.
 */
export const HOSTILE = '<!channel> <!here> <https://evil.example/x|click here> <@U0EVIL001> <#C0EVIL001> Tom & Jerry';

/** Raw pieces of HOSTILE that would act if they reached a mrkdwn field unescaped. */
const INJECTED = ['<!channel>', '<!here>', '<https://evil.example', '<@U0EVIL001>', '<#C0EVIL001>', 'Tom & Jerry'];

/** The markup dbops itself writes: a mention, a channel, a link to Slack itself (permalinks). */
const OWN_MARKUP = [
  /^<@[UW][A-Z0-9]+>$/,
  /^<#[CG][A-Z0-9]+(\|[^<>|]*)?>$/,
  /^<https:\/\/[a-z0-9-]+\.slack\.com\/[^<>|\s]*(\|[^<>]+)?>$/,
];

export interface MrkdwnString {
  method: string;
  /** Where in the call's parameters, e.g. `blocks.2.text.text`. */
  path: string;
  text: string;
}

/**
 * Every string of a recorded call that Slack reads as mrkdwn: the message `text` (it is the
 * notification and the fallback), a file's `initial_comment`, and every text object that is not
 * `plain_text` (sections, fields, context elements, confirm dialogs), in messages, modals and Home tabs.
 */
export function mrkdwnStrings(call: RecordedCall): MrkdwnString[] {
  const found: MrkdwnString[] = [];
  const walk = (node: unknown, path: string[]): void => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, [...path, String(i)]);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const plain = record.type === 'plain_text';
    for (const [key, value] of Object.entries(record)) {
      if (typeof value === 'string') {
        if ((key === 'text' && !plain) || key === 'initial_comment')
          found.push({ method: call.method, path: [...path, key].join('.'), text: value });
      } else walk(value, [...path, key]);
    }
  };
  walk(call.params, []);
  return found;
}

/** The first problem of one mrkdwn string: injected markup, a `<…>` dbops does not write, or a bare `&`. */
export function markupProblem(text: string): string | undefined {
  const injected = INJECTED.find((piece) => text.includes(piece));
  if (injected) return `user text reached Slack as markup: ${injected}`;
  for (const tag of text.match(/<[^<>]*>?/g) ?? [])
    if (!OWN_MARKUP.some((own) => own.test(tag)))
      return `unescaped < or > (not a mention, channel or Slack link): ${tag}`;
  const outsideTags = text.replace(/<[^<>]*>/g, '').replace(/^>/gm, ''); // a > that starts a line quotes it
  if (outsideTags.includes('>')) return 'a bare > (escape it as &gt;)';
  const bare = /&(?!amp;|lt;|gt;)/.exec(text);
  if (bare) return `a bare & (escape it as &amp;): …${text.slice(Math.max(0, bare.index - 20), bare.index + 20)}…`;
  return undefined;
}

/**
 * Fails when any recorded Slack call carries user text as markup: every mrkdwn string must be
 * escaped text plus the markup dbops writes itself (see markupProblem). Returns how many strings
 * it checked, so a test can see it looked at something.
 */
export function assertNoInjectedMarkup(calls: readonly RecordedCall[]): number {
  let checked = 0;
  for (const call of calls) {
    for (const string of mrkdwnStrings(call)) {
      checked++;
      const problem = markupProblem(string.text);
      assert.equal(problem, undefined, `${string.method} ${string.path}: ${problem}\n${string.text}`);
    }
  }
  return checked;
}
