/**
 * SQL pasted in Slack often comes inside ``` fences; the SQL inside. (Slack's escaping of `&`, `<`
 * and `>` is undone once, where the text comes in: decodeSlackEscapes in src/text/mrkdwn.ts.)
 */
export function unfenceSql(text: string): string {
  const fenced = /```(?:sql)?\s*([\s\S]*?)```/i.exec(text);
  return (fenced ? fenced[1] : text).trim();
}
