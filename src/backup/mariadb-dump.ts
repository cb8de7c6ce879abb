import { join } from 'node:path';
import { bodyStarts } from './dump-sections.js';
import type { DumpInput, DumpOutput } from './dump-types.js';
import type { ManifestFile } from './manifest.js';
import { RowScanner } from './row-scanner.js';
import { GzipFileWriter, schemaFileName } from './set-files.js';
import { startTool } from './tool-process.js';

const CURRENT_DATABASE = Buffer.from('-- Current Database: `');
const SKIP = [Buffer.from('CREATE DATABASE '), Buffer.from('USE `')];
const MASTER = /^-- CHANGE MASTER TO MASTER_LOG_FILE='([^']+)', MASTER_LOG_POS=(\d+);/;
const GTID = /^-- SET GLOBAL gtid_slave_pos='([^']*)';/;
const NEWLINE = Buffer.from('\n');

/**
 * One consistent snapshot of every schema with `mariadb-dump --single-transaction --databases …`,
 * streamed: the output is split by schema as it comes (one gzip file each, `<schema>.sql.gz`, without
 * its CREATE DATABASE and USE, so it restores into any schema name), hashed and its rows counted on
 * the way. Nothing of the dump is held in memory beyond a line.
 */
export async function dumpWithMariadbDump(input: DumpInput): Promise<DumpOutput> {
  const args = [
    `--defaults-file=${input.defaultsFile}`,
    '--single-transaction',
    '--quick',
    '--hex-blob',
    '--skip-dump-date',
    '--default-character-set=utf8mb4',
    ...(input.binlog ? ['--master-data=2', '--gtid'] : []),
    '--triggers',
    ...(input.routines ? ['--routines'] : []),
    ...(input.events ? ['--events'] : []),
    '--databases',
    ...input.schemas,
  ];
  const tool = startTool('mariadb-dump', args, { stdout: true, signal: input.signal });
  const header: Buffer[] = [];
  const writers = new Map<string, GzipFileWriter>();
  const scanners = new Map<string, RowScanner>();
  let current: { schema: string; writer: GzipFileWriter; scanner: RowScanner } | null = null;
  let binlog: DumpOutput['binlog'] = null;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let inBody = false;

  const flush = async () => {
    if (!current || pending.length === 0) return;
    const data = Buffer.concat(pending);
    pending = [];
    pendingBytes = 0;
    await current.writer.write(data);
  };
  const open = async (schema: string) => {
    await flush();
    let writer = writers.get(schema);
    if (!writer) {
      writer = new GzipFileWriter(join(input.dir, schemaFileName(schema, '.sql.gz')), input.createFile);
      writers.set(schema, writer);
      scanners.set(schema, new RowScanner());
      await writer.write(Buffer.concat(header));
    }
    current = { schema, writer, scanner: scanners.get(schema) ?? new RowScanner() };
  };
  // Synchronous for the lines of a schema; a promise only when a file is opened or flushed.
  const onLine = (line: Buffer): Promise<void> | undefined => {
    if (line.length > 0 && line[0] === 0x2d && line.indexOf(CURRENT_DATABASE) === 0) {
      const end = line.lastIndexOf(0x60);
      return open(line.subarray(CURRENT_DATABASE.length, end).toString('utf8').replace(/``/g, '`'));
    }
    if (!current) {
      if (line[0] === 0x2d) {
        const text = line.toString('utf8');
        const master = MASTER.exec(text);
        if (master) binlog = { file: master[1], position: Number(master[2]), gtid: binlog?.gtid ?? null };
        const gtid = GTID.exec(text);
        if (gtid) binlog = { file: binlog?.file ?? '', position: binlog?.position ?? 0, gtid: gtid[1] };
        return undefined;
      }
      header.push(Buffer.from(line), NEWLINE);
      return undefined;
    }
    if (SKIP.some((prefix) => line.indexOf(prefix) === 0)) return undefined;
    // A routine's or trigger's body (between `DELIMITER ;;` and `DELIMITER ;`) is no table's rows.
    const body = bodyStarts(line);
    if (body !== null) inBody = body;
    else if (!inBody) current.scanner.line(line);
    pending.push(line, NEWLINE);
    pendingBytes += line.length + 1;
    return pendingBytes >= 1 << 20 ? flush() : undefined;
  };

  try {
    const stdout = tool.stdout;
    if (!stdout) throw new Error('mariadb-dump has no output stream');
    let rest: Buffer = Buffer.alloc(0);
    for await (const chunk of stdout as AsyncIterable<Buffer>) {
      const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
      let start = 0;
      for (;;) {
        const nl = data.indexOf(10, start);
        if (nl < 0) break;
        const wait = onLine(data.subarray(start, nl));
        if (wait) await wait;
        start = nl + 1;
      }
      rest = Buffer.from(data.subarray(start));
    }
    if (rest.length > 0) await onLine(rest);
    await flush();
    await tool.done;
    const files: ManifestFile[] = [];
    for (const [schema, writer] of writers) {
      const { bytes, sha256 } = await writer.end();
      files.push({ name: schemaFileName(schema, '.sql.gz'), schema, bytes, sha256 });
    }
    const rows = new Map([...scanners].map(([schema, scanner]) => [schema, scanner.rows]));
    return { files, rows, binlog };
  } catch (err) {
    tool.kill();
    for (const writer of writers.values()) writer.destroy();
    await tool.done.catch(() => undefined);
    throw err;
  }
}
