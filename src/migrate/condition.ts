/**
 * A `where` condition is pasted into the copy's SELECTs as `… WHERE <range> AND (<condition>)`.
 * It must stay inside its parentheses: no statement separator, no comment that could swallow the
 * closing parenthesis, parentheses balanced outside quotes. Returns what is wrong, or null.
 * (The server then checks it for real, with EXPLAIN on every table, before a ticket exists.)
 */
export function checkCondition(text: string): string | null {
  if (text.trim() === '') return 'the condition is empty';
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) {
        if (text[i + 1] === quote) i++;
        else quote = null;
      }
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === ';') return 'it contains `;`: give one condition, not statements';
    else if (c === '#' || (c === '-' && text[i + 1] === '-') || (c === '/' && text[i + 1] === '*'))
      return 'it contains a comment: remove it';
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return 'it has a `)` without its `(`';
  }
  if (quote) return `it has an unclosed ${quote}`;
  if (depth !== 0) return 'it has a `(` without its `)`';
  return null;
}
