import { createHash } from 'node:crypto';

/**
 * Table definitions for staging tables, from the source's `SHOW CREATE TABLE` (which the server
 * prints one column, key or constraint per line):
 * - foreign keys are taken out (their names are unique per schema, so the staging table could not
 *   carry them next to the table it replaces) and added back after the swap;
 * - secondary keys are taken out and added after the rows are in (InnoDB builds an index by sorting
 *   much faster than it grows one row by row), except keys the table needs while loading.
 */
export interface StagingDdl {
  /** CREATE TABLE for the staging name. */
  create: string;
  /** Key definitions (`KEY \`k\` (\`a\`)`) to add once the rows are loaded. */
  deferredKeys: string[];
  /** Foreign key definitions (`CONSTRAINT \`fk\` FOREIGN KEY …`) to add after the swap. */
  foreignKeys: string[];
}

const FIRST_LINE = /^CREATE TABLE `(?:[^`]|``)+` \(/;
const FOREIGN_KEY = /^\s*CONSTRAINT `(?:[^`]|``)+` FOREIGN KEY /;
const SECONDARY_KEY = /^\s*(?:UNIQUE |FULLTEXT |SPATIAL |VECTOR )?(?:KEY|INDEX) `((?:[^`]|``)+)` /;

export interface StagingOptions {
  /** Take secondary keys out for loading (they are added back by `addKeysSql`). */
  deferKeys: boolean;
  /** Keys that must stay while loading: the chunk key, the AUTO_INCREMENT column's first key. */
  keep: ReadonlySet<string>;
  /** Drop deferred keys for good (append mode: the staging table only feeds INSERT … SELECT). */
  dropDeferred?: boolean;
}

/** `target`: the staging table's name as SQL (qualified and quoted). */
export function stagingDdl(showCreate: string, target: string, options: StagingOptions): StagingDdl {
  const lines = showCreate.split('\n');
  if (!FIRST_LINE.test(lines[0])) throw new Error('unexpected SHOW CREATE TABLE output (first line)');
  const close = lines.findIndex((l, i) => i > 0 && l.startsWith(')'));
  if (close < 0) throw new Error('unexpected SHOW CREATE TABLE output (no closing line)');
  const body: string[] = [];
  const deferredKeys: string[] = [];
  const foreignKeys: string[] = [];
  for (const line of lines.slice(1, close)) {
    const definition = line.trim().replace(/,$/, '');
    if (FOREIGN_KEY.test(line)) {
      foreignKeys.push(definition);
      continue;
    }
    const key = SECONDARY_KEY.exec(line);
    if (key && options.deferKeys && !options.keep.has(key[1].replace(/``/g, '`'))) {
      if (!options.dropDeferred) deferredKeys.push(definition);
      continue;
    }
    body.push(`  ${definition}`);
  }
  const head = lines[0].replace(FIRST_LINE, `CREATE TABLE ${target} (`);
  const create = [head, body.join(',\n'), ...lines.slice(close)].join('\n');
  return { create, deferredKeys, foreignKeys };
}

/** `ALTER TABLE t ADD KEY …, ADD UNIQUE KEY …`, or null when there is nothing to add. */
export function addKeysSql(qualifiedTable: string, keys: readonly string[]): string | null {
  if (keys.length === 0) return null;
  return `ALTER TABLE ${qualifiedTable} ${keys.map((k) => `ADD ${k}`).join(', ')}`;
}

/** The name a key definition declares (`KEY \`k\` (…)` → `k`). */
export function keyName(definition: string): string | null {
  const match = SECONDARY_KEY.exec(definition) ?? /^\s*CONSTRAINT `((?:[^`]|``)+)`/.exec(definition);
  return match ? match[1].replace(/``/g, '`') : null;
}

const MAX_NAME = 64;

/**
 * Staging and old-table names for a run: `__dbops_T42_n_orders` (new rows are built here) and
 * `__dbops_T42_o_orders` (the replaced table, dropped after the swap). Deterministic, so a resumed run
 * finds what an interrupted one built; long names are cut and made unique with a hash.
 */
export function workTableName(runId: string, role: 'n' | 'o', table: string): string {
  const prefix = `__dbops_${runId}_${role}_`;
  const name = prefix + table;
  if (name.length <= MAX_NAME) return name;
  const hash = createHash('sha1').update(table).digest('hex').slice(0, 8);
  return `${prefix}${table.slice(0, MAX_NAME - prefix.length - 9)}_${hash}`;
}

/** `CREATE … DEFINER=\`u\`@\`h\` …` without the DEFINER clause: the object is created by (and runs as) dbops' user. */
export function withoutDefiner(createSql: string): string {
  return createSql.replace(
    /\s+DEFINER\s*=\s*(?:`(?:[^`]|``)*`|'[^']*'|[^\s@]+)@(?:`(?:[^`]|``)*`|'[^']*'|[^\s]+)/i,
    '',
  );
}
