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
  /** How many clients load tables at once. */
  clients: number;
  /** The table the first client loads before any other (the biggest), so that it does not start last. */
  first: string | null;
  signal: AbortSignal;
}

type Send = (piece: DumpPiece) => Promise<void>;

/**
 * Load one schema's mariadb-dump file with `clients` mariadb processes, each reading the file on
 * its own (streamed; nothing is held beyond a read):
 * 1. the sequences and placeholder views, on one client;
 * 2. the tables, each whole (structure, rows, triggers with their DELIMITERs) on one client: a
 *    client takes the next table no other took yet as it reads on, so a client busy with a big
 *    table leaves the next ones to the others; the first client starts with `first`;
 * 3. after every table loaded, the events, routines and final views on one client.
 * Every client runs the file's header first. A client that fails stops the others, and the error
 * names what it was loading.
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
  const phases: Array<() => Promise<unknown>> = [
    () => client((send) => feedWhile(input.path, send, (p) => p.kind !== 'table' && p.kind !== 'tail')),
    () => {
      const owners = new Map<number, number>();
      return Promise.all(
        Array.from({ length: input.clients }, (_, lane) => client((send) => feedTables(input, lane, owners, send))),
      );
    },
    () => client((send) => feedTail(input.path, send)),
  ];
  for (const phase of phases) {
    await phase();
    if (failure) throw failure;
  }
}

/** Send the pieces while `keep` holds; stop reading at the first that does not. */
async function feedWhile(path: string, send: Send, keep: (p: DumpPiece) => boolean): Promise<void> {
  for await (const piece of dumpPieces(path)) {
    if (!keep(piece)) return;
    await send(piece);
  }
}

async function feedTail(path: string, send: Send): Promise<void> {
  for await (const piece of dumpPieces(path)) if (piece.kind === 'header' || piece.kind === 'tail') await send(piece);
}

/** Lane `lane`'s tables: the header, then each table section it is first to reach (`owners` is shared). */
async function feedTables(input: ParallelLoadInput, lane: number, owners: Map<number, number>, send: Send) {
  let reserved = lane === 0 && input.first !== null;
  for await (const piece of dumpPieces(input.path)) {
    if (piece.kind === 'tail') return;
    if (piece.kind === 'header') await send(piece);
    if (piece.kind !== 'table') continue;
    let owner = owners.get(piece.section);
    if (owner === undefined) {
      if (piece.table === input.first) owner = 0;
      else if (reserved) continue;
      else owner = lane;
      owners.set(piece.section, owner);
    }
    if (owner !== lane) continue;
    await send(piece);
    if (piece.table === input.first) reserved = false;
  }
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
  const exited = await tool.done.then(
    () => null,
    (err: unknown) => err,
  );
  if (exited) fail(loadError(input.label, marks, exited));
}

function describe(piece: DumpPiece): string {
  if (piece.kind === 'table') return `table \`${piece.table}\``;
  if (piece.kind === 'prelude') return 'the sequences and placeholder views';
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
    stream.once('drain', onDrain);
    stream.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
