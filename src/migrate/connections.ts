import mysql from 'mysql2';
import type { Connection as CoreConnection, ConnectionOptions } from 'mysql2';
import type { Connection as PromiseConnection, Pool, RowDataPacket } from 'mysql2/promise';
import { Writable } from 'node:stream';
import type { RowsSource } from '../db/schema/read-schema.js';

/**
 * A connection the copy owns: `core` streams rows and feeds LOAD DATA, `db` runs awaited queries.
 * Its session is changed (time zone, sql_mode, a snapshot), so it is destroyed, never handed back.
 */
export interface Link {
  core: CoreConnection;
  db: PromiseConnection;
  threadId: number;
  /** Rejects once `close()` is called: destroying a connection does not fail the queries in flight, so waiters race this. */
  readonly closed: Promise<never>;
  /** `work`, or the close, whichever comes first. */
  run<T>(work: Promise<T>): Promise<T>;
  /** Call `listener` when the link is closed; returns the unsubscribe. */
  onClose(listener: (err: Error) => void): () => void;
  close(): void;
}

/** Where a copy opens its connections: a shared pool (the job runner's) or plain options (tests, bench). */
export interface ConnectionSource {
  /** `prod` or `127.0.0.1:3306`, for messages. */
  name: string;
  open(): Promise<Link>;
}

/** The link as db/schema's reader reads through it: each query races the close, as `run` does. */
export function linkRows(link: Link): RowsSource {
  return { rows: async (sql, values) => (await link.run(link.db.query<RowDataPacket[]>(sql, values)))[0] };
}

export class LinkClosed extends Error {
  constructor() {
    super('the connection was closed by the copy');
    this.name = 'LinkClosed';
  }
}

function link(core: CoreConnection): Link {
  let fail!: (err: Error) => void;
  const closed = new Promise<never>((_, reject) => (fail = reject));
  closed.catch(() => undefined);
  // A fatal error with no query running is emitted on the connection: without a listener it would crash the process.
  core.on('error', () => undefined);
  let isClosed = false;
  const listeners = new Set<(err: Error) => void>();
  return {
    core,
    db: core.promise(),
    threadId: core.threadId ?? 0,
    closed,
    run: (work) => Promise.race([work, closed]),
    onClose: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {
      if (isClosed) return;
      isClosed = true;
      core.destroy();
      const err = new LinkClosed();
      fail(err);
      for (const listener of listeners) listener(err);
      listeners.clear();
    },
  };
}

/** Connections taken from a pool (and destroyed after use, so the pool opens fresh ones). */
export function poolSource(pool: Pool, name: string): ConnectionSource {
  return {
    name,
    open: () =>
      new Promise<Link>((resolve, reject) => {
        pool.pool.getConnection((err, conn) => (err ? reject(err) : resolve(link(conn))));
      }),
  };
}

/** Dedicated connections with the given options. */
export function optionsSource(options: ConnectionOptions, name: string): ConnectionSource {
  return {
    name,
    open: () =>
      new Promise<Link>((resolve, reject) => {
        const core = mysql.createConnection(options);
        core.connect((err) => (err ? reject(err) : resolve(link(core))));
      }),
  };
}

/**
 * Up to `wanted` connections: the first is waited for; the others are taken only if they come
 * within `graceMs` (a shared pool may have fewer free), so a busy pool narrows the copy instead of
 * deadlocking it. A connection that arrives late is closed.
 */
export async function openSeveral(source: ConnectionSource, wanted: number, graceMs = 2_000): Promise<Link[]> {
  const first = await source.open();
  const links = [first];
  const pending = Array.from({ length: Math.max(0, wanted - 1) }, () => source.open());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  for (const p of pending) {
    const got = await Promise.race([
      p.then(
        (l) => l,
        () => 'failed' as const,
      ),
      timeout,
    ]);
    if (got === 'timeout' || got === 'failed') {
      p.then(
        (late) => late.close(),
        () => undefined,
      );
      continue;
    }
    links.push(got);
  }
  clearTimeout(timer);
  return links;
}

/** The socket under a connection (mysql2 keeps it as `stream`), to watch how much it still has to send. */
export function socketOf(link: Link): Writable | null {
  const stream: unknown = Reflect.get(link.core, 'stream');
  return stream instanceof Writable ? stream : null;
}

/** When the reader must wait, and how it hears that it may go on. */
export interface Gate {
  blocked(): boolean;
  /** Call `resume` once the gate is open again. */
  onOpen(resume: () => void): void;
}

/** Open while `sink` accepts writes (the INSERT method's statements; LOAD DATA input has `feedGate`). */
export function writeGate(sink: Writable): Gate {
  return {
    blocked: () => sink.writableNeedDrain,
    onOpen: (resume) => sink.once('drain', resume),
  };
}
