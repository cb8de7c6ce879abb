import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runAtMost } from '../kernel/concurrency.js';
import type { DumpInput, DumpOutput } from './dump-types.js';
import type { ManifestFile } from './manifest.js';
import { listFiles, scanFile } from './set-files.js';
import { startTool } from './tool-process.js';

/** Rows per file of a big table (mydumper's estimate: chunks are about this size). */
const CHUNK_ROWS = 100_000;

/**
 * One consistent snapshot with mydumper (`-t threads -c`, files per table of up to CHUNK_ROWS rows, gzip), then one read of
 * each file to hash it and count its rows for the manifest. mydumper names files `<db>.<table>…`
 * and `<db>-schema-create.sql.gz`; a schema of the set is matched by that prefix.
 */
export async function dumpWithMydumper(input: DumpInput): Promise<DumpOutput> {
  const args = [
    `--defaults-file=${input.defaultsFile}`,
    '--outputdir',
    input.dir,
    '--threads',
    String(input.threads),
    '--compress',
    '--triggers',
    ...(input.routines ? ['--routines'] : []),
    ...(input.events ? ['--events'] : []),
    '--trx-consistency-only',
    '--verbose',
    '1',
    // Big tables in chunks: every thread dumps (and the manifest pass reads) a part of them at once.
    '--rows',
    String(CHUNK_ROWS),
    // One schema by name: a regex makes mydumper list every schema of the server first.
    ...(input.schemas.length === 1
      ? ['--database', input.schemas[0]]
      : ['--regex', `^(${input.schemas.map(regexQuote).join('|')})\\.`]),
  ];
  await startTool('mydumper', args, { signal: input.signal }).done;
  const files: ManifestFile[] = [];
  const rows = new Map<string, Map<string, number>>(input.schemas.map((s) => [s, new Map()]));
  const names = await listFiles(input.dir);
  // Independent files: hash and count two at a time (zlib works off the main thread).
  await runAtMost(
    2,
    names.map((name) => async () => {
      const schema = schemaOfFile(name, input.schemas);
      // Definitions (`-schema.sql.gz`, `-schema-triggers…`, `-schema-post…`, `-schema-view…`) hold no rows.
      const scanned = await scanFile(input.dir, name, schema, !/-schema(-[a-z]+)?\.sql(\.gz)?$/.test(name));
      files.push(scanned.file);
      if (schema)
        for (const [table, n] of scanned.rows) rows.get(schema)?.set(table, (rows.get(schema)?.get(table) ?? 0) + n);
    }),
  );
  files.sort((a, b) => a.name.localeCompare(b.name));
  return { files, rows, binlog: parseMetadata(await readFile(join(input.dir, 'metadata'), 'utf8').catch(() => '')) };
}

function regexQuote(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The set's schema a mydumper file belongs to (the longest name it starts with, then `.` or `-schema-create`). */
export function schemaOfFile(name: string, schemas: string[]): string | null {
  let found: string | null = null;
  for (const schema of schemas)
    if (
      (name.startsWith(`${schema}.`) || name.startsWith(`${schema}-schema-create.`)) &&
      (found === null || schema.length > found.length)
    )
      found = schema;
  return found;
}

/** `SHOW MASTER STATUS:` of mydumper's metadata file: `Log:`, `Pos:` and `GTID:` lines. */
export function parseMetadata(text: string): DumpOutput['binlog'] {
  const master = /SHOW MASTER STATUS:\s*\n\s*Log: (\S+)\s*\n\s*Pos: (\d+)(?:\s*\n\s*GTID:(.*))?/.exec(text);
  if (!master) return null;
  const gtid = master[3]?.trim();
  return { file: master[1], position: Number(master[2]), gtid: gtid ? gtid : null };
}
