import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/**
 * Where a line of a schema's mariadb-dump file belongs when it is loaded by several clients:
 * - `header`: the SET statements before the first section (every client runs them first);
 * - `definition`: sequences, placeholder views and each table's structure, in the file's order,
 *   all before any rows (a table's DEFAULT NEXTVAL(s) needs its sequence; a table locked for its
 *   rows before a table with a foreign key to it exists fails with "was not locked");
 * - `rows`: one `INSERT INTO` statement of a table's rows (any client, in any order);
 * - `table`: the rest of a table's data section — LOCK/UNLOCK TABLES, DISABLE/ENABLE KEYS and its
 *   triggers — which must come after all of its rows;
 * - `tail`: from the events, routines or final views on, to the end (run after every table).
 */
export type SectionKind = 'header' | 'definition' | 'rows' | 'table' | 'tail';

export interface DumpPiece {
  /** The section's number in the file (the same in every read of it). */
  section: number;
  kind: SectionKind;
  /** The table (sequence, view) the section is of; null for the header and the tail. */
  table: string | null;
  /** Whole lines of one section (with their newlines), a slice of one read. */
  data: Buffer;
  lines: number;
}

const DATA = Buffer.from('-- Dumping data for table `');
const DEFINITION = [
  Buffer.from('-- Table structure for table `'),
  Buffer.from('-- Sequence structure for `'),
  Buffer.from('-- Temporary table structure for view `'),
];
const TAIL = [
  Buffer.from('-- Dumping events for database '),
  Buffer.from('-- Dumping routines for database '),
  Buffer.from('-- Final view structure for view `'),
  Buffer.from('-- Current Database: `'),
];
const DELIMITER = Buffer.from('DELIMITER ');

/**
 * Follows a dump line by line and says which section each line is in. A marker inside a
 * trigger's or routine's body (between `DELIMITER ;;` and `DELIMITER ;`) is body text, never a new
 * section. A value never holds a raw newline (the tools escape it), so each line of an INSERT is
 * whole rows and the statement ends with the first line that ends in `;`; no row starts with `--`.
 * Once the tail starts, everything after is tail.
 */
export class SectionTracker {
  section = 0;
  kind: SectionKind = 'header';
  table: string | null = null;
  private inBody = false;
  private rowsEnded = false;

  line(line: Buffer): void {
    if (this.kind === 'rows') {
      if (!this.rowsEnded) {
        this.rowsEnded = line[line.length - 1] === SEMICOLON;
        return;
      }
      this.open('table', this.table);
    }
    const body = bodyStarts(line);
    if (body !== null) {
      this.inBody = body;
      return;
    }
    if (this.inBody) return;
    if (this.kind === 'table' && line[0] === 0x49 && startsWith(line, INSERT)) {
      this.open('rows', this.table);
      this.rowsEnded = line[line.length - 1] === SEMICOLON;
      return;
    }
    if (line[0] !== 0x2d || line[1] !== 0x2d || line[2] !== 0x20 || this.kind === 'tail') return;
    if (startsWith(line, DATA)) return this.open('table', quotedName(line, DATA.length));
    const definition = DEFINITION.find((p) => startsWith(line, p));
    if (definition) return this.open('definition', quotedName(line, definition.length));
    if (TAIL.some((p) => startsWith(line, p))) this.open('tail', null);
  }

  private open(kind: SectionKind, table: string | null): void {
    this.section++;
    this.kind = kind;
    this.table = table;
  }
}

/**
 * For a `DELIMITER x` line (a client command mariadb-dump writes around triggers and routines):
 * whether a body starts (`DELIMITER ;;`) or ends (`DELIMITER ;`); null for any other line.
 */
export function bodyStarts(line: Buffer): boolean | null {
  if (line[0] !== 0x44 || !startsWith(line, DELIMITER)) return null;
  return line.length > DELIMITER.length + 1;
}

const INSERT = Buffer.from('INSERT INTO ');
const SEMICOLON = 0x3b;

/**
 * Read a gzip dump file once, as pieces of whole lines per section, streamed (a read's worth in
 * memory at a time). Breaking out of the loop closes the file.
 */
export async function* dumpPieces(path: string): AsyncGenerator<DumpPiece> {
  const gunzip = createGunzip({ chunkSize: CHUNK });
  const reading = pipeline(createReadStream(path, { highWaterMark: CHUNK }), gunzip);
  reading.catch(() => undefined);
  const tracker = new SectionTracker();
  let rest: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      const end = data.lastIndexOf(10) + 1;
      yield* piecesOf(data.subarray(0, end), tracker);
      rest = Buffer.from(data.subarray(end));
    }
    await reading;
    if (rest.length > 0) yield* piecesOf(Buffer.concat([rest, Buffer.from('\n')]), tracker);
  } finally {
    gunzip.destroy();
  }
}

const CHUNK = 256 * 1024;

/** Split whole lines into runs of the same section (a section marker starts a new run). */
function* piecesOf(data: Buffer, tracker: SectionTracker): Generator<DumpPiece> {
  let start = 0;
  let from = 0;
  let lines = 0;
  let current = { section: tracker.section, kind: tracker.kind, table: tracker.table };
  while (from < data.length) {
    const nl = data.indexOf(10, from);
    tracker.line(data.subarray(from, nl));
    if (tracker.section !== current.section) {
      if (from > start) yield { ...current, data: data.subarray(start, from), lines };
      start = from;
      lines = 0;
      current = { section: tracker.section, kind: tracker.kind, table: tracker.table };
    }
    lines++;
    from = nl + 1;
  }
  if (from > start) yield { ...current, data: data.subarray(start, from), lines };
}

function startsWith(line: Buffer, prefix: Buffer): boolean {
  return line.length >= prefix.length && line.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/** `t` of ``-- Dumping data for table `t` `` and the other markers (doubled backticks undone). */
function quotedName(line: Buffer, from: number): string {
  const text = line.subarray(from).toString('utf8');
  let i = 0;
  while (i < text.length && !(text[i] === '`' && text[i + 1] !== '`')) i += text[i] === '`' ? 2 : 1;
  return text.slice(0, i).replace(/``/g, '`');
}
