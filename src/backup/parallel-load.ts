import type { Writable } from 'node:stream';
import { type DumpPiece, dumpPieces } from './dump-sections.js';
import { BackupError } from './errors.js';
import { startTool } from './tool-process.js';

export interface ParallelLoadInput {
  /** The schema's gzip dump file. */
  path: string;
  /** `B-12 shop`: what the errors name. */
  label: string;
  /** The mariadb client's arguments (option file, --binary-mode, --batch, the database). */
  args: string[];
  /** How many clients load rows at once. */
  clients: number;
  signal: AbortSignal;
}

type Send = (piece: DumpPiece) => Promise<void>;

/**
 * Load one schema's mariadb-dump file with `clients` mariadb processes, each reading the file on
 * its own (streamed; nothing is held beyond a read):
 * 1. the sequences, placeholder views and table structures, on one client;
 * 2. the rows, one INSERT statement at a time on the client that reaches it first, so a client
 *    busy with a big statement leaves the next ones to the others and one big table is spread
 *    too (no LOCK TABLES: what the file has around the rows runs in step 3);
 * 3. after every row loaded, on one client: each table's LOCK/UNLOCK, DISABLE/ENABLE KEYS and
 *    triggers (as the file has them after its rows), then the events, routines and final views.
 * Every client runs the file's header first. A client that fails stops the others, and the error
 * names the table (or object) it was loading.
 */
export async function loadDumpInParallel(input: ParallelLoadInput): Promise<void> {
  const stop = new AbortController();
  const signal = AbortSignal.any([input.signal, stop.signal]);
  let failure: Error | null = null;
  const fail = (err: Error) => {
    failure ??= err;
    stop.abort();
  };
  const client = (feed: (send: Send) => Promise<void>) => runClient(input, signal, fail, feed);
  // The definitions' read stops at the tail and goes on from there after the tables: one read less.
  const definitions = new PieceReader(input.path);
  const later: DumpPiece[] = [];
  try {
    const phases: Array<() => Promise<unknown>> = [
      () => client((send) => feedDefinitions(definitions, later, send)),
      () => {
        const owners = new Map<number, number>();
        return Promise.all(
          Array.from({ length: input.clients }, (_, lane) =>
            client((send) => feedRows(new PieceReader(input.path), lane, owners, send)),
          ),
        );
      },
      () => client((send) => feedTail(definitions, later, send)),
    ];
    for (const phase of phases) {
      await phase();
      if (failure) throw failure;
      // Cancelled before a client started: nothing failed, but nothing loaded either.
      if (signal.aborted) throw new Error(`${input.label}: the load was stopped before it finished`);
    }
  } finally {
    await definitions.close();
  }
}

/** A read of the file that can stop at a piece and go on from it later (the header kept to send again). */
class PieceReader {
  private readonly pieces: AsyncGenerator<DumpPiece>;
  readonly header: DumpPiece[] = [];
  held: DumpPiece | null = null;

  constructor(path: string) {
    this.pieces = dumpPieces(path);
  }

  async next(): Promise<DumpPiece | null> {
    const held = this.held;
    this.held = null;
    if (held) return held;
    const next = await this.pieces.next();
    if (next.done) return null;
    if (next.value.kind === 'header') this.header.push(next.value);
    return next.value;
  }

  async close(): Promise<void> {
    await this.pieces.return(undefined);
  }
}

/**
 * The header and every definition, up to the tail (kept in `reader` for the last client). The
 * tables' sections after their rows (a few statements and the triggers each) are kept in `later`.
 */
async function feedDefinitions(reader: PieceReader, later: DumpPiece[], send: Send): Promise<void> {
  for (let piece = await reader.next(); piece; piece = await reader.next()) {
    if (piece.kind === 'tail') {
      reader.held = piece;
      return;
    }
    if (piece.kind === 'table') later.push({ ...piece, data: Buffer.from(piece.data) });
    else if (piece.kind !== 'rows') await send(piece);
  }
}

/**
 * The header, then each INSERT statement this lane is first to reach (`owners` is shared), so the
 * rows of one big table are spread too. A table's first statement may be bulk-loaded (MariaDB does
 * so into an empty table under a table lock when unique and foreign key checks are off); the
 * others run with UNIQUE_CHECKS=1, which keeps them out of it: two clients both bulk-loading one
 * empty table deadlock.
 */
async function feedRows(reader: PieceReader, lane: number, owners: Map<number, number>, send: Send): Promise<void> {
  const firsts = new Map<string, number>();
  let checked = false;
  try {
    for (let piece = await reader.next(); piece; piece = await reader.next()) {
      if (piece.kind === 'tail') return;
      if (piece.kind === 'header') await send(piece);
      if (piece.kind !== 'rows') continue;
      const table = piece.table ?? '';
      const first = firsts.get(table) ?? piece.section;
      firsts.set(table, first);
      const owner = owners.get(piece.section) ?? lane;
      owners.set(piece.section, owner);
      if (owner !== lane) continue;
      if (checked !== (piece.section !== first)) {
        checked = !checked;
        await send({ ...piece, data: checked ? UNIQUE_CHECKS_ON : UNIQUE_CHECKS_OFF, lines: 1 });
      }
      await send(piece);
    }
  } finally {
    await reader.close();
  }
}

const UNIQUE_CHECKS_ON = Buffer.from('SET UNIQUE_CHECKS=1;\n');
const UNIQUE_CHECKS_OFF = Buffer.from('SET UNIQUE_CHECKS=0;\n');

/** The header, the tables' sections after their rows, then from the tail on. */
async function feedTail(reader: PieceReader, later: DumpPiece[], send: Send): Promise<void> {
  for (const piece of [...reader.header, ...later]) await send(piece);
  for (let piece = await reader.next(); piece; piece = await reader.next()) await send(piece);
}

/** One mariadb client fed by `feed`; what it fails with goes to `fail`, named by the section it was on. */
async function runClient(
  input: ParallelLoadInput,
  signal: AbortSignal,
  fail: (err: Error) => void,
  feed: (send: Send) => Promise<void>,
): Promise<void> {
  if (signal.aborted) return;
  const tool = startTool('mariadb', input.args, { stdin: true, signal });
  const stdin = tool.stdin;
  if (!stdin) throw new Error('mariadb has no input stream');
  stdin.on('error', () => undefined); // a client that dies says why through `done`
  const marks: Array<{ line: number; what: string }> = [];
  // Said at once (and handled from the start): a client can die while its lane is still reading
  // the file, and the others are stopped then, not when that lane gets to write again.
  const exited = tool.done.then(
    () => undefined,
    (err: unknown) => fail(loadError(input.label, marks, err)),
  );
  let line = 1;
  let section = -1;
  const send: Send = async (piece) => {
    if (signal.aborted) throw new Error('stopped');
    if (piece.section !== section && piece.kind !== 'header') marks.push({ line, what: describe(piece) });
    section = piece.section;
    line += piece.lines;
    if (!stdin.write(piece.data)) await drained(stdin, signal);
  };
  try {
    await feed(send);
    stdin.end();
  } catch (err) {
    // Its input closed: the client died, and `done` says why. Otherwise reading the file failed.
    if (!stdin.destroyed && !signal.aborted) fail(loadError(input.label, marks, err));
    tool.kill();
  }
  await exited;
}

function describe(piece: DumpPiece): string {
  if (piece.kind === 'rows') return `the rows of table \`${piece.table}\``;
  if (piece.kind === 'table') return `the triggers of table \`${piece.table}\``;
  if (piece.kind === 'definition') return `the definition of \`${piece.table}\``;
  return 'the events, routines and views';
}

/** What failed, by the input line mariadb names (`ERROR … at line N`), else what was being sent last. */
function loadError(label: string, marks: Array<{ line: number; what: string }>, err: unknown): BackupError {
  const message = err instanceof Error ? err.message : String(err);
  const at = /at line (\d+)/.exec(message);
  const mark = at ? marks.filter((m) => m.line <= Number(at[1])).at(-1) : marks.at(-1);
  return new BackupError(
    `${label}: ${mark?.what ?? 'the header'} did not load (${message}); the other mariadb clients were stopped — fix the cause (the server's error above) and run it again`,
    true,
    { cause: err },
  );
}

function drained(stream: Writable, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('mariadb closed its input'));
    const onAbort = () => done(new Error('stopped'));
    if (stream.destroyed) return onClose();
    if (signal.aborted) return onAbort();
    stream.once('drain', onDrain);
    stream.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
