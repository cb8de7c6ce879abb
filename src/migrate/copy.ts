import { performance } from 'node:perf_hooks';
import type { RowDataPacket } from 'mysql2/promise';
import { z } from 'zod';
import { columnSignature, readSchemaTables } from './catalog.js';
import { sameSum } from './checksum.js';
import { keyName } from './ddl.js';
import { MigrateError } from './errors.js';
import { keyPositions, type SourceSnapshot } from './source.js';
import type { Throttle } from './throttle.js';
import { qualified, type KeyRange, type KeyValue } from './sql.js';
import type { MigrationPlan, TablePlan, TableResult } from './types.js';
import { addDeferredKeys, type DestinationWriter, type OpenEnd } from './writer.js';

/** A table while it is copied. */
interface TableState {
  plan: TablePlan;
  /** The staging table held rows when this run began (an earlier run was interrupted). */
  resumed: boolean;
  next: KeyValue | null;
  exhausted: boolean;
  inFlight: number;
  chunks: number;
  reused: number;
  rows: number;
  bytes: number;
  startedAt: number | null;
  done: boolean;
}

export interface CopyEvents {
  /** After every chunk: rows and bytes so far, tables done. */
  onChunk?(state: { rows: number; bytes: number; tablesDone: number }): void;
  onTableDone?(result: TableResult): void;
}

export interface CopyRun {
  plan: MigrationPlan;
  source: SourceSnapshot;
  /** One per copy stream; the first also prepares the staging tables. */
  writers: DestinationWriter[];
  events?: CopyEvents;
  clock?: () => number;
  /** Asked before each chunk: holds the streams back while the source is over its limits. */
  throttle?: Pick<Throttle, 'ready'>;
}

/**
 * Create the staging tables, or reuse those an interrupted run left when their columns still match
 * the source (a mismatching one is dropped and created again). Returns which already held rows.
 */
export async function prepareStaging(plan: MigrationPlan, writer: DestinationWriter): Promise<Set<string>> {
  const schema = plan.spec.destination.schema;
  const stagings = plan.tables.map((t) => t.staging);
  const leftovers = new Map((await readSchemaTables(writer.link.db, schema, stagings)).map((t) => [t.name, t]));
  const withRows = new Set<string>();
  for (const table of plan.tables) {
    const leftover = leftovers.get(table.staging);
    if (leftover && columnSignature(leftover.columns) === table.signature) {
      const rows = await writer.query<RowDataPacket[]>(`SELECT 1 FROM ${qualified(schema, table.staging)} LIMIT 1`);
      if (rows.length > 0) withRows.add(table.name);
      continue;
    }
    if (leftover) await writer.query(`DROP TABLE ${qualified(schema, table.staging)}`);
    await writer.query(table.ddl.create);
  }
  return withRows;
}

/**
 * Copy every table of the plan: the writers take chunks (of any table: the biggest tables first)
 * until none is left. A chunk is read from the snapshot, loaded, verified and committed as one.
 * In a resumed run a chunk whose range already holds rows is compared with the source instead:
 * equal, it counts as copied; different, it is deleted and copied again.
 * The first failure stops every stream (their connections are closed) and is thrown.
 */
export async function copyTables(
  run: CopyRun,
  resumed: ReadonlySet<string>,
  condition: string | null,
): Promise<TableResult[]> {
  const clock = run.clock ?? Date.now;
  const states: TableState[] = run.plan.tables.map((plan) => ({
    plan,
    resumed: resumed.has(plan.name),
    next: null,
    exhausted: false,
    inFlight: 0,
    chunks: 0,
    reused: 0,
    rows: 0,
    bytes: 0,
    startedAt: null,
    done: false,
  }));
  const results: TableResult[] = [];
  const totals = { rows: 0, bytes: 0 };
  let failure: unknown = null;
  const fail = (err: unknown) => {
    if (failure) return;
    failure = err;
    // Wake every waiter: queries in flight on closed connections never answer otherwise.
    run.source.close();
    for (const w of run.writers) w.link.close();
  };

  /**
   * The next chunk to copy; null when every range is handed out. A chunk of a table read to a row
   * limit (`keyPositions`) is open-ended: the reader stays held for it, and its upper end is where
   * its read stops — no boundary query. Otherwise (and in a resumed table, whose ranges are checked
   * before they are read) the upper end is read from the snapshot first.
   */
  const nextTask = async (
    writer: DestinationWriter,
  ): Promise<{ state: TableState; range: KeyRange; open?: OpenEnd } | null> => {
    const asked = performance.now();
    const release = await run.source.hold();
    writer.spent.wait += performance.now() - asked;
    try {
      const state = states.find((s) => !s.exhausted);
      if (!state) {
        release();
        return null;
      }
      state.startedAt ??= clock();
      const lo = state.next;
      if (!state.resumed && keyPositions(state.plan)) {
        state.inFlight++;
        const open: OpenEnd = {
          rows: state.plan.chunkRows,
          end: (hi) => {
            // A failed read leaves the table as it was: the copy stops anyway.
            if (hi !== undefined) {
              state.next = hi;
              state.exhausted = hi === null;
            }
            release();
          },
        };
        return { state, range: { lo, hi: null }, open };
      }
      const hi = await run.source.nextBoundary(state.plan, lo, state.plan.chunkRows, condition);
      state.next = hi;
      state.exhausted = hi === null;
      state.inFlight++;
      release();
      return { state, range: { lo, hi } };
    } catch (err) {
      release();
      throw err;
    }
  };

  const copyRange = async (writer: DestinationWriter, state: TableState, range: KeyRange, open?: OpenEnd) => {
    const table = state.plan;
    if (open) {
      const copy = await writer.copyChunk(table, range, condition, run.source, open);
      return { rows: copy.sum.rows, bytes: copy.bytes };
    }
    if (state.resumed && (await writer.hasRows(table, range))) {
      const source = await run.source.exclusive(() => run.source.checksum(table, range, condition));
      const held = await writer.rangeSum(table, range);
      if (sameSum(source, held)) {
        state.reused++;
        return { rows: source.rows, bytes: 0 };
      }
      await writer.deleteRange(table, range);
    }
    const copy = await writer.copyChunk(table, range, condition, run.source);
    return { rows: copy.sum.rows, bytes: copy.bytes };
  };

  const finishTable = async (writer: DestinationWriter, state: TableState) => {
    const table = state.plan;
    const schema = run.plan.spec.destination.schema;
    const [count] = await writer.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM ${qualified(schema, table.staging)}`,
    );
    const rows = z.coerce.number().parse(count.n);
    if (rows !== state.rows)
      throw new MigrateError(
        `${table.name}: the staging table holds ${rows} rows where ${state.rows} were copied and verified`,
        false,
      );
    const existing = new Set(
      Object.keys((await readSchemaTables(writer.link.db, schema, [table.staging]))[0]?.indexes ?? {}),
    );
    await addDeferredKeys(writer, table, existing, keyName);
    state.done = true;
    const result: TableResult = {
      name: table.name,
      rows: state.rows,
      bytes: state.bytes,
      chunks: state.chunks,
      reused: state.reused,
      seconds: (clock() - (state.startedAt ?? clock())) / 1000,
    };
    results.push(result);
    run.events?.onTableDone?.(result);
  };

  const stream = async (writer: DestinationWriter) => {
    while (!failure) {
      await run.throttle?.ready();
      if (failure) return;
      const task = await nextTask(writer);
      if (!task) return;
      const { state, range, open } = task;
      const copied = await copyRange(writer, state, range, open);
      state.inFlight--;
      state.chunks++;
      state.rows += copied.rows;
      state.bytes += copied.bytes;
      totals.rows += copied.rows;
      totals.bytes += copied.bytes;
      run.events?.onChunk?.({ ...totals, tablesDone: results.length });
      if (state.exhausted && state.inFlight === 0) await finishTable(writer, state);
    }
  };

  await Promise.all(run.writers.map((w) => stream(w).catch(fail)));
  if (failure) throw failure;
  const order = new Map(run.plan.tables.map((t, i) => [t.name, i]));
  return results.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
}
