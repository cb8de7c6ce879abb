import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { describeSum, rowCrcExpr, sameSum, type RangeSum } from './checksum.js';
import { socketOf, writeGate, type Link } from './connections.js';
import { InsertEncoder, LOAD_DATA_FORMAT, parseUnsigned, rawRow, TsvEncoder } from './encode.js';
import { addKeysSql } from './ddl.js';
import { feedGate, LoadFeed } from './load-feed.js';
import { RowCodec } from './row-codec.js';
import { ChecksumMismatch, MigrateError } from './errors.js';
import { SESSION_SQL_MODE, type SourceSnapshot } from './source.js';
import { describeRange, identList, qualified, rangeCondition, type KeyRange, type KeyValue } from './sql.js';
import type { TablePlan } from './types.js';

export type WriteMethod = 'load-data' | 'insert';

/** What one chunk copy did. */
export interface ChunkCopy {
  sum: RangeSum;
  bytes: number;
  /** The chunk's range (an open-ended chunk's upper end is where its read stopped). */
  range: KeyRange;
}

/**
 * A chunk cut where its read stops, with no boundary query first: the rows from `lo` on, at most
 * `rows` of them; its upper end is the last row's key (or unbounded when fewer came: the table's
 * end). The caller already holds the reader for it; `end` is called once the read stops — with the
 * upper end, or `undefined` when it failed — and lets the reader go.
 */
export interface OpenEnd {
  rows: number;
  end(hi: KeyValue | null | undefined): void;
}

/** An open-ended chunk as a writer carries it: whether its read has started (and so owns the reader). */
type HeldChunk = OpenEnd & { reading: boolean };

/** Statement size for the INSERT method (well under the usual max_allowed_packet of 16 MB and more). */
const INSERT_STATEMENT_BYTES = 2 * 1024 * 1024;
/** Types whose text the INSERT method writes bare (the source's text of them is a plain number). */
const NUMERIC_TYPES = new Set([
  'tinyint',
  'smallint',
  'mediumint',
  'int',
  'integer',
  'bigint',
  'decimal',
  'numeric',
  'float',
  'double',
  'real',
]);
/** Bytes of LOAD DATA input waiting in the destination socket before the reader pauses. */
const SOCKET_BACKLOG_BYTES = 4 * 1024 * 1024;
/** Warnings shown when a load warns. */
const WARNINGS_SHOWN = 3;

/**
 * One destination connection loading chunks into staging tables. Each chunk is one transaction:
 * rows in, warnings checked, then the range's COUNT and checksum compared with the source's —
 * and only then COMMIT. A chunk is either in the staging table whole and verified, or not at all.
 */
export class DestinationWriter {
  /**
   * Where this stream's time went (ms): waiting for the source's one reader to take its next chunk,
   * loading rows, verifying chunks, building deferred keys.
   */
  readonly spent = { wait: 0, load: 0, verify: 0, keys: 0 };
  private readonly codecs = new Map<string, RowCodec>();

  private constructor(
    readonly link: Link,
    readonly schema: string,
    readonly method: WriteMethod,
    /** Bytes a chunk may buffer between the reader and this writer. */
    private readonly bufferBytes: number,
  ) {}

  static async open(link: Link, schema: string, method: WriteMethod, bufferBytes: number): Promise<DestinationWriter> {
    // Foreign keys are added after the swap, so none is checked while loading; zero dates and 0 in
    // AUTO_INCREMENT columns load as they are. unique_checks stays ON: with both checks off, MariaDB
    // 10.6+ loads an empty table in "bulk" mode (a table lock held by the first chunk's transaction,
    // table-level undo), which would serialise the streams and makes a killed load's rollback a
    // table-wide operation; the staging tables' secondary keys come after the load anyway.
    await link.run(
      link.db.query(
        `SET SESSION time_zone = '+00:00', sql_mode = '${SESSION_SQL_MODE}', foreign_key_checks = 0, unique_checks = 1, net_read_timeout = 3600, net_write_timeout = 3600, autocommit = 1`,
      ),
    );
    return new DestinationWriter(link, schema, method, bufferBytes);
  }

  /**
   * The row codec for a table's chunks: one per table for the writer's life (its WebAssembly
   * memory is made once, not per chunk), with nothing pending from an earlier chunk.
   */
  private codecFor(table: TablePlan): RowCodec {
    let codec = this.codecs.get(table.name);
    if (!codec) {
      codec = new RowCodec(table.columns, { tsv: this.method === 'load-data' });
      this.codecs.set(table.name, codec);
    }
    codec.clear();
    return codec;
  }

  private target(table: TablePlan): string {
    return qualified(this.schema, table.staging);
  }

  private where(table: TablePlan, range: KeyRange): string {
    return table.key ? rangeCondition(table.key.columns, range) : '1';
  }

  async query<T extends RowDataPacket[] | ResultSetHeader>(sql: string): Promise<T> {
    const [result] = await this.link.run(this.link.db.query<T>(sql));
    return result;
  }

  /** COUNT and checksum of a staging range (inside the chunk's transaction it sees the rows just loaded). */
  async rangeSum(table: TablePlan, range: KeyRange): Promise<RangeSum> {
    const sql = `SELECT COUNT(*), BIT_XOR(${rowCrcExpr(table.columns)}) FROM ${this.target(table)} WHERE ${this.where(table, range)}`;
    const [result] = await this.link.run(
      this.link.db.query<RowDataPacket[]>({ sql, rowsAsArray: true, typeCast: false }),
    );
    const row = rawRow(result[0]);
    return { rows: parseUnsigned(row[0]), crc: parseUnsigned(row[1]) };
  }

  /** Does the staging table hold any row of the range? (a resumed run checks before copying) */
  async hasRows(table: TablePlan, range: KeyRange): Promise<boolean> {
    const rows = await this.query<RowDataPacket[]>(
      `SELECT 1 FROM ${this.target(table)} WHERE ${this.where(table, range)} LIMIT 1`,
    );
    return rows.length > 0;
  }

  async deleteRange(table: TablePlan, range: KeyRange): Promise<void> {
    await this.query(
      table.key
        ? `DELETE FROM ${this.target(table)} WHERE ${this.where(table, range)}`
        : `TRUNCATE TABLE ${this.target(table)}`,
    );
  }

  /**
   * Copy one range from the snapshot, verify it, commit it. With `open`, the range's upper end is
   * where the read stops (see `OpenEnd`); `end` is called whatever happens.
   */
  async copyChunk(
    table: TablePlan,
    range: KeyRange,
    condition: string | null,
    source: SourceSnapshot,
    open?: OpenEnd,
  ): Promise<ChunkCopy> {
    // The reader is held for an open-ended chunk: the read lets it go when it stops (never while
    // rows are still coming), or this when the read never started.
    let ended = false;
    const once: HeldChunk | undefined = open && {
      rows: open.rows,
      reading: false,
      end: (hi) => {
        if (ended) return;
        ended = true;
        open.end(hi);
      },
    };
    try {
      await this.query('START TRANSACTION');
    } catch (err) {
      once?.end(undefined);
      throw err;
    }
    try {
      const started = performance.now();
      const copy =
        this.method === 'load-data'
          ? await this.loadData(table, range, condition, source, once)
          : await this.insertRows(table, range, condition, source, once);
      const loadedAt = performance.now();
      this.spent.load += loadedAt - started;
      const loaded = await this.rangeSum(table, copy.range);
      if (!sameSum(loaded, copy.sum)) {
        throw new ChecksumMismatch(
          table.name,
          describeRange(table.key?.columns ?? [], copy.range),
          `source ${describeSum(copy.sum)}; destination ${describeSum(loaded)}`,
        );
      }
      await this.query('COMMIT');
      this.spent.verify += performance.now() - loadedAt;
      return copy;
    } catch (err) {
      if (once && !once.reading) once.end(undefined);
      await this.link.run(this.link.db.query('ROLLBACK')).catch(() => undefined);
      throw err;
    }
  }

  /**
   * Read a chunk from the snapshot while `work` runs: under `exclusive`, or for an open-ended chunk
   * with the reader already held, cutting the chunk where the read stopped and letting the reader go.
   */
  private async readChunk(
    range: KeyRange,
    source: SourceSnapshot,
    open: HeldChunk | undefined,
    read: (limit: number | undefined) => Promise<RangeSum & { last: KeyValue | null }>,
  ): Promise<{ sum: RangeSum; range: KeyRange }> {
    if (!open) {
      const { rows, crc } = await source.exclusive(() => read(undefined));
      return { sum: { rows, crc }, range };
    }
    open.reading = true;
    try {
      const { rows, crc, last } = await read(open.rows);
      // Fewer rows than asked for: the table ends in this chunk.
      const hi = rows < open.rows || !last ? null : last;
      open.end(hi);
      return { sum: { rows, crc }, range: { lo: range.lo, hi } };
    } finally {
      open.end(undefined);
    }
  }

  private async loadData(
    table: TablePlan,
    range: KeyRange,
    condition: string | null,
    source: SourceSnapshot,
    open: HeldChunk | undefined,
  ): Promise<ChunkCopy> {
    const feed = new LoadFeed();
    const codec = this.codecFor(table);
    const encoder = new TsvEncoder(codec, (block) => feed.write(block));
    const sql = `LOAD DATA LOCAL INFILE 'dbops-chunk' INTO TABLE ${this.target(table)} ${LOAD_DATA_FORMAT} (${identList(table.columns.map((c) => c.name))})`;
    const load = this.link.run(this.link.db.query<ResultSetHeader>({ sql, infileStreamFactory: () => feed }));
    // If the load fails before it has read everything, stop feeding it (the caller tears the copy down).
    const loadFailed = load.then(
      () => new Promise<never>(() => undefined),
      (err: unknown) => {
        feed.stop();
        throw err;
      },
    );
    const read = this.readChunk(range, source, open, async (limit) => {
      const gate = feedGate(feed, socketOf(this.link), this.bufferBytes, SOCKET_BACKLOG_BYTES);
      const sum = await source.streamRange(table, range, condition, codec, () => encoder.row(), gate, limit);
      encoder.flush();
      feed.end();
      return sum;
    });
    const { sum, range: chunk } = await Promise.race([read, loadFailed]);
    const [header] = await load;
    await this.checkLoad(table, chunk, header, sum.rows);
    return { sum, bytes: encoder.bytes, range: chunk };
  }

  private async insertRows(
    table: TablePlan,
    range: KeyRange,
    condition: string | null,
    source: SourceSnapshot,
    open: HeldChunk | undefined,
  ): Promise<ChunkCopy> {
    // Statements queue between the reader and this writer, at most ~bufferBytes of them.
    const statements = new PassThrough({
      objectMode: true,
      highWaterMark: Math.max(1, Math.floor(this.bufferBytes / INSERT_STATEMENT_BYTES)),
    });
    const numeric = table.columns.map((c) => NUMERIC_TYPES.has(c.dataType.toLowerCase()));
    const head = `INSERT INTO ${this.target(table)} (${identList(table.columns.map((c) => c.name))})`;
    const encoder = new InsertEncoder(numeric, INSERT_STATEMENT_BYTES, (values) => statements.write(values));
    const columns = table.columns.length;
    const write = (async () => {
      let rows = 0;
      for await (const chunk of statements) {
        const statement: unknown = chunk;
        if (!Buffer.isBuffer(statement)) throw new Error('expected an INSERT statement');
        // The VALUES part is ASCII; names in the head may not be, so they are joined as strings.
        const [header] = await this.link.run(
          this.link.db.query<ResultSetHeader>(`${head} ${statement.toString('latin1')}`),
        );
        if (header.warningStatus > 0) await this.failOnWarnings(table, range);
        rows += header.affectedRows;
      }
      return rows;
    })();
    const writeFailed = write.then(
      () => new Promise<never>(() => undefined),
      (err: unknown) => {
        statements.destroy();
        throw err;
      },
    );
    const read = this.readChunk(range, source, open, async (limit) => {
      const sum = await source.streamRange(
        table,
        range,
        condition,
        this.codecFor(table),
        (row) => encoder.row(row, columns),
        writeGate(statements),
        limit,
      );
      encoder.flush();
      statements.end();
      return sum;
    });
    const { sum, range: chunk } = await Promise.race([read, writeFailed]);
    const rows = await write;
    if (rows !== sum.rows)
      throw new MigrateError(
        `${table.name}: ${rows} of ${sum.rows} rows with ${describeRange(table.key?.columns ?? [], chunk)} were inserted`,
        false,
      );
    return { sum, bytes: encoder.bytes, range: chunk };
  }

  /** LOAD DATA LOCAL turns errors into warnings (and skips rows): any warning, or a short count, fails the chunk. */
  private async checkLoad(table: TablePlan, range: KeyRange, header: ResultSetHeader, expected: number): Promise<void> {
    if (header.warningStatus > 0) await this.failOnWarnings(table, range);
    if (header.affectedRows !== expected) {
      throw new MigrateError(
        `${table.name}: the destination took ${header.affectedRows} of ${expected} rows with ${describeRange(table.key?.columns ?? [], range)} (${header.info || 'no details'})`,
        false,
      );
    }
  }

  private async failOnWarnings(table: TablePlan, range: KeyRange): Promise<never> {
    const warnings = await this.query<RowDataPacket[]>(`SHOW WARNINGS LIMIT ${WARNINGS_SHOWN}`);
    const text = warnings.map((w) => `${String(w.Level)} ${String(w.Code)}: ${String(w.Message)}`).join('; ');
    throw new MigrateError(
      `${table.name}: loading rows with ${describeRange(table.key?.columns ?? [], range)} gave warnings, so nothing of it was kept: ${text || 'see SHOW WARNINGS'}`,
      false,
    );
  }
}

/** `ALTER TABLE … ADD KEY …` for the keys a staging table still lacks. */
export async function addDeferredKeys(
  writer: DestinationWriter,
  table: TablePlan,
  existing: ReadonlySet<string>,
  keyName: (definition: string) => string | null,
): Promise<number> {
  const missing = table.ddl.deferredKeys.filter((k) => {
    const name = keyName(k);
    return name === null || !existing.has(name);
  });
  const sql = addKeysSql(qualified(writer.schema, table.staging), missing);
  const started = performance.now();
  if (sql) await writer.query(sql);
  writer.spent.keys += performance.now() - started;
  return missing.length;
}
