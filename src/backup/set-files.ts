import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { ManifestFile } from './manifest.js';
import { RowScanner } from './row-scanner.js';

/** How a set's file is opened for writing (tests give one that fails like a full disk). */
export type CreateFile = (path: string) => Writable;
export const createSetFile: CreateFile = (path) => createWriteStream(path, { mode: 0o600 });

/** A schema's name as a file name: letters, digits, `_` and `-` as they are, anything else as `@hex`. */
export function schemaFileName(schema: string, suffix: string): string {
  const safe = [...schema].map((c) => (/[A-Za-z0-9_-]/.test(c) ? c : `@${c.codePointAt(0)?.toString(16)}`)).join('');
  return `${safe}${suffix}`;
}

/** Counts and hashes what passes through it. */
export class Digest extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
  hex(): string {
    return this.hash.digest('hex');
  }
}

/** A gzip-compressed file being written, line by line, with its SHA-256 and size counted on the way. */
export class GzipFileWriter {
  private readonly gzip = createGzip({ level: 6 });
  private readonly digest = new Digest();
  private readonly written: Promise<void>;
  private failure: Error | null = null;

  constructor(
    readonly path: string,
    create: CreateFile,
  ) {
    this.written = pipeline(this.gzip, this.digest, create(path));
    this.written.catch((err: unknown) => {
      this.failure = err instanceof Error ? err : new Error(String(err));
    });
  }

  /** Write; waits when the file is behind (backpressure), throws when writing failed (disk full). */
  async write(data: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.gzip.write(data)) await Promise.race([waitDrain(this.gzip), this.written]);
    if (this.failure) throw this.failure;
  }

  async end(): Promise<{ bytes: number; sha256: string }> {
    this.gzip.end();
    await this.written;
    return { bytes: this.digest.bytes, sha256: this.digest.hex() };
  }

  destroy(): void {
    this.gzip.destroy();
  }
}

function waitDrain(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => stream.once('drain', resolve));
}

/** SHA-256 and size of a file as it is on disk. */
export async function fileDigest(path: string): Promise<{ bytes: number; sha256: string }> {
  const digest = new Digest();
  await pipeline(createReadStream(path), digest, new Writable({ write: (_c, _e, done) => done() }));
  return { bytes: digest.bytes, sha256: digest.hex() };
}

/** Files of a directory (not recursive), sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
}

/**
 * Hash a file and count the rows of its INSERTs in one read (gunzipped when it ends in `.gz`): what
 * the manifest says of a mydumper file. A file of definitions (`countRows` false) is only hashed.
 */
export async function scanFile(
  dir: string,
  name: string,
  schema: string | null,
  countRows = true,
): Promise<{ file: ManifestFile; rows: Map<string, number> }> {
  const path = join(dir, name);
  const digest = new Digest();
  const scanner = new RowScanner();
  if (!countRows) await pipeline(createReadStream(path), digest, new Writable({ write: (_c, _e, done) => done() }));
  else {
    const lines = new LineSplitter((line) => scanner.line(line));
    // Big reads and inflated chunks: zlib's default 16 KiB makes a round trip to its thread per 16 KiB.
    await pipeline(
      createReadStream(path, { highWaterMark: SCAN_CHUNK }),
      digest,
      name.endsWith('.gz') ? createGunzip({ chunkSize: SCAN_CHUNK }) : new PassThrough(),
      lines,
    );
  }
  const size = (await stat(path)).size;
  return { file: { name, schema, bytes: size, sha256: digest.hex() }, rows: scanner.rows };
}

const SCAN_CHUNK = 256 * 1024;

/** A writable that calls `onLine` for each line (without its `\n`), across chunk boundaries. */
export class LineSplitter extends Writable {
  private rest: Buffer = Buffer.alloc(0);
  constructor(private readonly onLine: (line: Buffer) => void) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    let data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const nl = data.indexOf(10, start);
      if (nl < 0) break;
      this.onLine(data.subarray(start, nl));
      start = nl + 1;
    }
    data = data.subarray(start);
    this.rest = Buffer.from(data);
    done();
  }
  override _final(done: (err?: Error | null) => void): void {
    if (this.rest.length > 0) this.onLine(this.rest);
    this.rest = Buffer.alloc(0);
    done();
  }
}
