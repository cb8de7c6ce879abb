/**
 * Counts the rows of the `INSERT INTO `t` VALUES (…),(…);` statements of a logical dump as it
 * streams by, line by line, per table. It follows quotes (with backslash escapes, as mariadb-dump
 * and mydumper write them) and parentheses, so a value such as `'a),(b'` is one row, not two, and
 * it works whether the tool puts every row on its own line or all of them on one.
 */
export class RowScanner {
  private table: string | null = null;
  private depth = 0;
  private quote = 0;
  private escaped = false;
  /** Rows per table name, as the dump's INSERTs name it. */
  readonly rows = new Map<string, number>();

  /** Feed one line (without its newline). */
  line(line: Buffer): void {
    if (this.table === null) {
      if (!startsWith(line, INSERT)) return;
      const name = tableName(line);
      if (name === null) return;
      this.table = name;
      this.depth = 0;
      this.quote = 0;
      this.escaped = false;
      const values = line.indexOf(VALUES);
      this.scan(line, values < 0 ? line.length : values + VALUES.length);
      return;
    }
    if (this.depth === 0 && this.quote === 0 && oneRow(line)) {
      this.add(1);
      if (line[line.length - 1] === SEMICOLON) this.table = null;
      return;
    }
    this.scan(line, 0);
  }

  private scan(line: Buffer, from: number): void {
    let count = 0;
    let { depth, quote, escaped } = this;
    for (let i = from; i < line.length; i++) {
      const c = line[i];
      if (quote !== 0) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === quote) quote = 0;
        continue;
      }
      if (c === SINGLE || c === DOUBLE) quote = c;
      else if (c === OPEN) {
        if (depth === 0) count++;
        depth++;
      } else if (c === CLOSE) depth--;
      else if (c === SEMICOLON && depth === 0) {
        this.add(count);
        this.table = null;
        return;
      }
    }
    this.depth = depth;
    this.quote = quote;
    this.escaped = escaped;
    this.add(count);
  }

  private add(count: number): void {
    if (count === 0 || this.table === null) return;
    this.rows.set(this.table, (this.rows.get(this.table) ?? 0) + count);
  }
}

const INSERT = Buffer.from('INSERT INTO `');
const VALUES = Buffer.from(' VALUES');
const BACKSLASH = 0x5c;
const SINGLE = 0x27;
const DOUBLE = 0x22;
const OPEN = 0x28;
const CLOSE = 0x29;
const SEMICOLON = 0x3b;
const BACKTICK = 0x60;

/**
 * The common case, found without a byte loop: a line that is exactly one row, `(…),` or `(…);`, as
 * both tools write a row per line. A string never holds a raw newline (the tools escape it), so
 * such a line's last `)` closes its row; without `),(` in it, it holds no second row.
 */
function oneRow(line: Buffer): boolean {
  const n = line.length;
  return (
    n >= 3 &&
    line[0] === OPEN &&
    line[n - 2] === CLOSE &&
    (line[n - 1] === 0x2c || line[n - 1] === SEMICOLON) &&
    line.indexOf(ROW_GAP) < 0
  );
}

const ROW_GAP = Buffer.from('),(');

function startsWith(line: Buffer, prefix: Buffer): boolean {
  return line.length >= prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/** `t` of ``INSERT INTO `t` VALUES``, or `t` of ``INSERT INTO `s`.`t` …`` (doubled backticks undone). */
function tableName(line: Buffer): string | null {
  let i = INSERT.length;
  let name = readQuoted(line, i);
  if (name === null) return null;
  i = name.end;
  if (line[i] === 0x2e && line[i + 1] === BACKTICK) {
    const second = readQuoted(line, i + 2);
    if (second === null) return null;
    name = second;
  }
  return name.text;
}

function readQuoted(line: Buffer, start: number): { text: string; end: number } | null {
  const parts: Buffer[] = [];
  let i = start;
  for (;;) {
    const close = line.indexOf(BACKTICK, i);
    if (close < 0) return null;
    parts.push(line.subarray(i, close));
    if (line[close + 1] === BACKTICK) {
      parts.push(Buffer.from('`'));
      i = close + 2;
      continue;
    }
    return { text: Buffer.concat(parts).toString('utf8'), end: close + 1 };
  }
}
