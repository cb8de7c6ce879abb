/** SQL pasted in Slack often comes inside ``` fences or with Slack's HTML escapes; undo both. */
export function unfenceSql(text: string): string {
  const fenced = /```(?:sql)?\s*([\s\S]*?)```/i.exec(text);
  const sql = fenced ? fenced[1] : text;
  return sql.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
}
