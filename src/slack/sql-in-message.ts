import { parseTargetName, type TargetName } from '../inventory/names.js';
import { decodeSlackEscapes } from '../text/mrkdwn.js';
import { unfenceSql } from '../text/sql-fence.js';

export interface SqlRequest {
  target?: TargetName;
  sql: string;
}

/**
 * What a person wrote to the bot: `[review] [cluster.schema]` then SQL, in a ```sql block or (after
 * an explicit "review") as plain text. Mentions (`<@U123>`) are dropped, then Slack's escaping of
 * `&`, `<` and `>` is undone. `sql` is '' when there is none.
 */
export function readMessage(text: string): { saysReview: boolean; target?: TargetName; sql: string } {
  let rest = decodeSlackEscapes(text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ')).trimStart();
  const review = /^review\b\s*/i.exec(rest);
  if (review) rest = rest.slice(review[0].length);
  const word = /^(\S+)(\s+|$)/.exec(rest);
  const target = word && !word[1].startsWith('```') ? parseTargetName(word[1]) : undefined;
  if (target && word) rest = rest.slice(word[0].length);
  const hasFence = rest.includes('```');
  const sql = hasFence || review ? unfenceSql(hasFence ? rest.slice(rest.indexOf('```')) : rest) : '';
  return { saysReview: Boolean(review), target, sql };
}

/** The SQL request in a message, or undefined when it holds none. */
export function sqlFromMessage(text: string): SqlRequest | undefined {
  const { target, sql } = readMessage(text);
  return sql ? { target, sql } : undefined;
}

/**
 * The SQL of any message, for the "Review SQL with dbops" message shortcut: every ``` block in it,
 * joined (each ended with `;`), or without a block its whole text; a leading `review` and
 * `cluster.schema` count as in a mention. Undefined when nothing is left.
 */
export function sqlOfAnyMessage(text: string): SqlRequest | undefined {
  const decoded = decodeSlackEscapes(text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' '));
  const blocks = [...decoded.matchAll(/```(?:sql)?\s*([\s\S]*?)```/gi)]
    .map((m) => (m[1] ?? '').trim())
    .filter((b) => b !== '');
  const read = readMessage(/^\s*review\b/i.test(decoded) ? text : `review ${text}`);
  if (blocks.length > 1)
    return { target: read.target, sql: blocks.map((b) => (/;\s*$/.test(b) ? b : `${b};`)).join('\n') };
  return read.sql ? { target: read.target, sql: read.sql } : undefined;
}
