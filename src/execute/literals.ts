import type { ValueClass } from './table-info.js';

/**
 * A column's values as SQL literals, from the raw bytes the text protocol sends (mysql2 with
 * `typeCast: false`): exactly what the server printed, so nothing is lost to JS numbers or dates.
 *   number → as sent (`42`, `-1.50`, `1e-05`)          binary → X'…' hex
 *   text   → '…' with quotes doubled; text holding a backslash, NUL or Ctrl-Z is written as
 *            _utf8mb4 X'…', so the script means the same with or without NO_BACKSLASH_ESCAPES.
 */
export type Encoder = (raw: Buffer | null) => string;

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and Ctrl-Z are exactly what this looks for
const UNSAFE_IN_QUOTES = /[\\\0\x1a]/;

export function encoderFor(kind: ValueClass): Encoder {
  switch (kind) {
    case 'number':
      return (raw) => (raw === null ? 'NULL' : raw.toString('latin1'));
    case 'binary':
      return (raw) => (raw === null ? 'NULL' : `X'${raw.toString('hex')}'`);
    case 'text':
      return encodeText;
  }
}

function encodeText(raw: Buffer | null): string {
  if (raw === null) return 'NULL';
  const text = raw.toString('utf8');
  if (UNSAFE_IN_QUOTES.test(text)) return `_utf8mb4 X'${raw.toString('hex')}'`;
  return `'${text.includes("'") ? text.replace(/'/g, "''") : text}'`;
}

/** A JS value (from a typed query) as a literal: for the few values dbops writes itself. */
export function literal(value: string | number | bigint | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return encodeText(Buffer.from(value, 'utf8'));
}
