import { isQuote, isSpace, skipQuoted } from '../split.js';

/**
 * A small lexer for comment-stripped MySQL/MariaDB DDL, with offsets, for the text reader of
 * ast-ddl-text.ts. Comments must already be removed (ReviewStatement.stripped).
 */
export type TokenKind = 'word' | 'ident' | 'string' | 'number' | 'punct';

export interface DdlToken {
  kind: TokenKind;
  /**
   * word: upper-cased; ident: the name without backticks; string: the unescaped content;
   * number: as written; punct: the character.
   */
  value: string;
  /** For strings: an introducer or prefix written before the quote (`b`, `x`, `n`, `_utf8mb4`), lower-cased. */
  prefix?: string;
  /** Bare words keep their spelling here (identifiers are case-preserving). */
  raw: string;
  start: number;
  end: number;
  /** Parenthesis depth: 0 at the top level; `(` and its `)` carry the outer depth. */
  depth: number;
}

const BACKTICK = 96;
const DOT = 46;

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Content of a quoted string or identifier: doubled quotes and (in strings) backslash escapes resolved. */
export function unquote(quoted: string): string {
  const q = quoted[0];
  const body = quoted.endsWith(q) && quoted.length >= 2 ? quoted.slice(1, -1) : quoted.slice(1);
  if (q === '`') return body.replaceAll('``', '`');
  return unescapeString(body, q);
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', b: '\b', '0': '\0', Z: '\x1a' };

/** Resolve `''` (or `""`) and backslash escapes inside a string literal's body. */
export function unescapeString(body: string, quote = "'"): string {
  if (!body.includes('\\') && !body.includes(quote + quote)) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\' && i + 1 < body.length) {
      const next = body[++i];
      // `\%` and `\_` keep their backslash (they are LIKE escapes).
      out += next === '%' || next === '_' ? `\\${next}` : (ESCAPES[next] ?? next);
    } else if (ch === quote && body[i + 1] === quote) {
      out += quote;
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Tokens of comment-stripped SQL. */
export function lex(sql: string): DdlToken[] {
  const out: DdlToken[] = [];
  const n = sql.length;
  let depth = 0;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (isQuote(c)) {
      const end = skipQuoted(sql, i);
      const raw = sql.slice(i, end);
      out.push({ kind: c === BACKTICK ? 'ident' : 'string', value: unquote(raw), raw, start: i, end, depth });
      i = end;
      continue;
    }
    if (isWordChar(c) || (c === DOT && isDigit(sql.charCodeAt(i + 1)) && !isWordChar(sql.charCodeAt(i - 1)))) {
      i = lexWord(sql, i, depth, out);
      continue;
    }
    if (c === 41 && depth > 0) depth--;
    out.push({ kind: 'punct', value: sql[i], raw: sql[i], start: i, end: i + 1, depth });
    if (c === 40) depth++;
    i++;
  }
  return out;
}

/** A bare word, a number, or a prefixed string (`b'01'`, `x'ff'`, `N'…'`, `_utf8mb4'…'`). */
function lexWord(sql: string, start: number, depth: number, out: DdlToken[]): number {
  const n = sql.length;
  const numeric = isDigit(sql.charCodeAt(start)) || sql.charCodeAt(start) === DOT;
  let end = start + 1;
  while (end < n) {
    const c = sql.charCodeAt(end);
    if (isWordChar(c) || (numeric && c === DOT)) {
      end++;
    } else if (numeric && (c === 43 || c === 45) && /^\d*\.?\d*e$/i.test(sql.slice(start, end))) {
      end++; // exponent sign: 1e-3
    } else {
      break;
    }
  }
  const raw = sql.slice(start, end);
  const next = sql.charCodeAt(end);
  if (next === 39 && /^([bBxXnN]|_[A-Za-z0-9]+)$/.test(raw)) {
    const close = skipQuoted(sql, end);
    const quoted = sql.slice(end, close);
    out.push({
      kind: 'string',
      value: unquote(quoted),
      prefix: raw.toLowerCase(),
      raw: sql.slice(start, close),
      start,
      end: close,
      depth,
    });
    return close;
  }
  // A number is digits, a dot, an exponent or a 0x/0b literal; `1abc` is a (strange but legal) identifier.
  const isNumber = numeric && /^(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|0x[0-9a-f]+|0b[01]+)$/i.test(raw);
  out.push({ kind: isNumber ? 'number' : 'word', value: isNumber ? raw : raw.toUpperCase(), raw, start, end, depth });
  return end;
}

/** A cursor over tokens with the look-ahead helpers the DDL reader needs. */
export class Cursor {
  pos = 0;

  constructor(
    readonly sql: string,
    readonly toks: readonly DdlToken[],
  ) {}

  get done(): boolean {
    return this.pos >= this.toks.length;
  }

  peek(k = 0): DdlToken | undefined {
    return this.toks[this.pos + k];
  }

  next(): DdlToken | undefined {
    return this.toks[this.pos++];
  }

  /** The upper-cased bare word at `k`, or '' for anything else. */
  word(k = 0): string {
    const t = this.toks[this.pos + k];
    return t?.kind === 'word' ? t.value : '';
  }

  isPunct(ch: string, k = 0): boolean {
    const t = this.toks[this.pos + k];
    return t?.kind === 'punct' && t.value === ch;
  }

  /** Consume the words in order when all are next; returns whether it did. */
  accept(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (this.word(k) !== words[k]) return false;
    this.pos += words.length;
    return true;
  }

  acceptPunct(ch: string): boolean {
    if (!this.isPunct(ch)) return false;
    this.pos++;
    return true;
  }

  /** An identifier: a bare word or a backticked name (a double-quoted one too, for ANSI_QUOTES). */
  name(): string | null {
    const t = this.peek();
    if (!t || (t.kind !== 'word' && t.kind !== 'ident' && t.kind !== 'string')) return null;
    if (t.kind === 'string' && t.prefix) return null;
    this.pos++;
    return t.kind === 'word' ? t.raw : t.value;
  }

  /** `name` or `db.name`. */
  qualifiedName(): { db: string | null; table: string } | null {
    const first = this.name();
    if (first === null) return null;
    if (!this.isPunct('.')) return { db: null, table: first };
    this.pos++;
    const second = this.name();
    return second === null ? { db: null, table: first } : { db: first, table: second };
  }

  /** Skip a balanced `( … )` group at the cursor; returns the text between the parentheses. */
  group(): string {
    const open = this.peek();
    if (open?.kind !== 'punct' || open.value !== '(') return '';
    const depth = open.depth;
    this.pos++;
    while (!this.done) {
      const t = this.next();
      if (t && t.kind === 'punct' && t.value === ')' && t.depth === depth)
        return this.sql.slice(open.end, t.start).trim();
    }
    return this.sql.slice(open.end).trim();
  }

  /** Skip to the next `,` or `)` at `depth` (not consuming it), or to the end. */
  skipTo(depth: number): void {
    while (!this.done) {
      const t = this.peek();
      if (t && t.depth === depth && t.kind === 'punct' && (t.value === ',' || t.value === ')')) return;
      if (t && t.depth < depth) return;
      this.pos++;
    }
  }

  /** Source text from token `from` to the cursor. */
  textFrom(from: number): string {
    const a = this.toks[from];
    const b = this.toks[this.pos - 1];
    return a && b && b.end >= a.start ? this.sql.slice(a.start, b.end) : '';
  }
}
