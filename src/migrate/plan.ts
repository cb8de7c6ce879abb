import type { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { describeServerError } from '../db/server-errors.js';
import { closest } from '../text/closest.js';
import { readSchema } from '../db/schema/read-schema.js';
import { existingSchemas, schemaDefaults, schemaNames, type SchemaDefaults } from '../db/schema/schemata.js';
import type { SchemaSnapshot } from '../db/schema/shape.js';
import {
  columnSignature,
  copiedColumns,
  foreignKeysFromOutside,
  type OutsideForeignKey,
  readSchemaTables,
  showCreateTable,
  toTableInfo,
  type TableInfo,
} from './catalog.js';
import { keyName, stagingDdl, workTableName } from './ddl.js';
import type { Refusal } from '../review/safety/expression.js';
import { CONDITION_HINT, checkCondition, conditionProblems, parseCondition } from './condition.js';
import { qualified } from './sql.js';
import type { CopySettings, MigrateSpec, MigrationPlan, TablePlan } from './types.js';

type Queryable = Pick<Pool, 'query'> | Pick<PoolConnection, 'query'>;

/** Where the checks read: the source (its replica when it has one) and the destination's primary. */
export interface PlanConnections {
  source: Queryable;
  destination: Queryable;
}

export interface TableEstimate {
  name: string;
  rows: number;
  bytes: number;
  /** What the destination holds under that name now (replace swaps it out, append adds to it). */
  existing: { rows: number; bytes: number } | null;
}

export interface Inspection {
  tables: TableEstimate[];
  rows: number;
  bytes: number;
  objects: { views: string[]; triggers: string[]; routines: string[] };
  /**
   * The destination schema does not exist: the job creates it with the source schema's character
   * set and collation (the planner lets it only where policy.migrate_into allows writing).
   */
  createsSchema: SchemaDefaults | null;
  /** Foreign keys of tables outside the copy that point at tables it replaces (handled with checks off for the swap). */
  outsideKeys: OutsideForeignKey[];
  /** Everything wrong, each in words for the requester; empty when the migration can go ahead. */
  problems: string[];
}

const PROBLEMS_SHOWN = 8;

export interface InspectOptions {
  /**
   * Estimate the rows a `where` selects with EXPLAIN. Only once the ticket is approved (the job):
   * before that the condition is checked from its parse tree alone, never sent to a server, and a
   * table's estimate is all of its rows.
   */
  explainWhere?: boolean;
}

/**
 * Check a migration against both servers before a ticket exists, and estimate it: the schemas and
 * tables exist, the `where` is valid for every table, the mode fits what the destination holds.
 * Read-only; the job runs the same checks again when it starts.
 */
export async function inspectMigration(
  spec: MigrateSpec,
  db: PlanConnections,
  options: InspectOptions = {},
): Promise<Inspection> {
  const problems: string[] = [];
  const { source, destination } = spec;
  const empty: Inspection = {
    tables: [],
    rows: 0,
    bytes: 0,
    objects: { views: [], triggers: [], routines: [] },
    createsSchema: null,
    outsideKeys: [],
    problems,
  };
  const [sourceHas, destinationHas] = await Promise.all([
    existingSchemas(db.source, [source.schema]),
    existingSchemas(db.destination, [destination.schema]),
  ]);
  if (!sourceHas.includes(source.schema)) {
    problems.push(await missingSchema(db.source, source.cluster, source.schema));
    return empty;
  }
  const createsSchema = destinationHas.includes(destination.schema)
    ? null
    : await schemaDefaults(db.source, source.schema);

  const sourceSchema = await readSchema(db.source, source.schema, {
    include: { details: true, columns: true, indexes: true, triggers: spec.objects.includes('triggers') },
  });
  const all = [...sourceSchema.tables.values()].map(toTableInfo);
  const chosen = selectTables(spec, all, problems);
  if (spec.where !== null) problems.push(...whereProblems(spec, spec.where, chosen));
  if (problems.length > 0) return { ...empty, problems: problems.slice(0, PROBLEMS_SHOWN) };

  const present = new Map(
    (createsSchema
      ? []
      : await readSchemaTables(
          db.destination,
          destination.schema,
          chosen.map((t) => t.name),
          { incomingForeignKeys: spec.mode === 'replace' },
        )
    ).map((t) => [t.name, t]),
  );
  const tables: TableEstimate[] = [];
  for (const table of chosen) {
    const estimate =
      spec.where !== null && options.explainWhere
        ? await whereEstimate(db.source, spec, table, problems)
        : { rows: table.rows, bytes: table.dataBytes + table.indexBytes };
    const there = present.get(table.name);
    tables.push({
      name: table.name,
      ...estimate,
      existing: there ? { rows: there.rows, bytes: there.dataBytes + there.indexBytes } : null,
    });
    if (there) checkAgainstDestination(spec, table, there, problems);
  }
  // Tables outside the copy whose keys point at a replaced table: their keys are dropped and added
  // back around the swap, with foreign-key checks off (the card says so).
  const outsideKeys =
    spec.mode === 'replace'
      ? foreignKeysFromOutside(
          destination.schema,
          tables.flatMap((t) => present.get(t.name) ?? []),
        )
      : [];
  const objects = await listObjects(db.source, spec, sourceSchema);
  return {
    tables,
    rows: tables.reduce((n, t) => n + t.rows, 0),
    bytes: tables.reduce((n, t) => n + t.bytes, 0),
    objects,
    createsSchema,
    outsideKeys,
    problems: problems.slice(0, PROBLEMS_SHOWN),
  };
}

async function missingSchema(db: Queryable, cluster: string, schema: string): Promise<string> {
  const known = (await schemaNames(db)).filter(
    (s) => !['information_schema', 'performance_schema', 'mysql', 'sys'].includes(s),
  );
  const hint = closest(schema, known);
  return `schema \`${schema}\` does not exist on ${cluster}${hint ? ` — did you mean \`${hint}\`?` : '.'}`;
}

/** The base tables the spec names (all of them when it names none), with a problem for each unknown name. */
function selectTables(spec: MigrateSpec, all: TableInfo[], problems: string[]): TableInfo[] {
  const base = all.filter((t) => t.type === 'BASE TABLE' || t.type === 'SYSTEM VERSIONED');
  const where = `${spec.source.cluster}.${spec.source.schema}`;
  if (spec.tables.length === 0) {
    if (base.length === 0) problems.push(`${where} has no tables to copy.`);
    return base;
  }
  const byName = new Map(all.map((t) => [t.name, t]));
  const chosen: TableInfo[] = [];
  for (const name of new Set(spec.tables)) {
    const table = byName.get(name);
    if (!table) {
      const hint = closest(
        name,
        base.map((t) => t.name),
      );
      problems.push(`table \`${name}\` is not in ${where}${hint ? ` — did you mean \`${hint}\`?` : ''}`);
    } else if (table.type === 'VIEW' || table.type === 'SYSTEM VIEW') {
      problems.push(
        `\`${name}\` in ${where} is a view: views are recreated with \`with views\`, not copied as tables.`,
      );
    } else if (table.type === 'SEQUENCE') {
      problems.push(`\`${name}\` in ${where} is a sequence, which migrate does not copy.`);
    } else {
      chosen.push(table);
    }
  }
  return chosen;
}

/**
 * What is wrong with the `where` for the chosen tables, read from its parse tree (nothing is sent
 * to a server): one problem per reason, the hint once.
 */
function whereProblems(spec: MigrateSpec, where: string, tables: readonly TableInfo[]): string[] {
  const shown = `where \`${where.length > 120 ? `${where.slice(0, 117)}…` : where}\``;
  const lexical = checkCondition(where);
  if (lexical) return [`where: ${lexical}`];
  const parsed = parseCondition(where);
  if (!parsed.ok) return [`${shown}: ${parsed.problem}. ${CONDITION_HINT}`];
  const reasons = new Map<string, Refusal>();
  for (const table of tables) {
    const columns = table.columns.map((c) => c.name);
    for (const refusal of conditionProblems(parsed.expression, {
      name: table.name,
      schema: spec.source.schema,
      columns,
    }))
      reasons.set(refusal.reason, refusal);
  }
  const problems = [...reasons.values()].map((r) => `${shown} cannot be used: ${r.reason}.`);
  // What a condition may use is said once, when it used something else.
  const unsafe = [...reasons.values()].findIndex((r) => r.kind === 'unsafe');
  if (unsafe >= 0) problems[unsafe] += ` ${CONDITION_HINT}`;
  return problems;
}

/**
 * Rows the `where` selects, by EXPLAIN (no rows are read), once the ticket is approved; a problem
 * when the server rejects it for this table (its error described, not repeated).
 */
async function whereEstimate(
  db: Queryable,
  spec: MigrateSpec,
  table: TableInfo,
  problems: string[],
): Promise<{ rows: number; bytes: number }> {
  const sql = `SELECT 1 FROM ${qualified(spec.source.schema, table.name)} WHERE (${spec.where})`;
  try {
    const [plan] = await db.query<RowDataPacket[]>(`EXPLAIN ${sql}`);
    const rows = Math.min(table.rows, Number(plan[0]?.rows ?? table.rows) || 0);
    const share = table.rows > 0 ? rows / table.rows : 0;
    return { rows, bytes: Math.round((table.dataBytes + table.indexBytes) * share) };
  } catch (err) {
    problems.push(`where \`${spec.where}\` does not work on \`${table.name}\`: ${describeServerError(err, { sql })}`);
    return { rows: 0, bytes: 0 };
  }
}

function checkAgainstDestination(spec: MigrateSpec, table: TableInfo, there: TableInfo, problems: string[]): void {
  const where = `${spec.destination.cluster}.${spec.destination.schema}`;
  if (spec.mode === 'fail') {
    problems.push(
      `\`${table.name}\` already exists in ${where} (about ${there.rows.toLocaleString('en-US')} rows): add \`mode replace\` to replace it, or \`mode append\` to add the rows to it.`,
    );
    return;
  }
  if (there.type !== 'BASE TABLE' && there.type !== 'SYSTEM VERSIONED') {
    problems.push(`\`${table.name}\` in ${where} is a ${there.type.toLowerCase()}, not a table: drop it first.`);
    return;
  }
  if (spec.mode === 'append') {
    const theirs = new Set(copiedColumns(there).map((c) => c.name));
    const missing = copiedColumns(table)
      .filter((c) => !theirs.has(c.name))
      .map((c) => c.name);
    if (missing.length > 0)
      problems.push(
        `\`${table.name}\` in ${where} lacks column${missing.length === 1 ? '' : 's'} ${missing.map((m) => `\`${m}\``).join(', ')}, so rows cannot be appended to it.`,
      );
  }
}

/** The views and triggers the source read found, and its routines, as far as the spec copies them. */
async function listObjects(db: Queryable, spec: MigrateSpec, source: SchemaSnapshot): Promise<Inspection['objects']> {
  const wanted = new Set(spec.objects);
  const routines = async () => {
    const [rows] = await db.query<RowDataPacket[]>(
      "SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME) AS name FROM " +
        'information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? ORDER BY ROUTINE_NAME',
      [spec.source.schema],
    );
    return rows.map((r) => String(r.name));
  };
  return {
    views: wanted.has('views') ? [...source.tables.values()].filter((t) => t.type === 'VIEW').map((t) => t.name) : [],
    triggers: wanted.has('triggers') ? source.triggers.map((t) => t.name) : [],
    routines: wanted.has('routines') ? await routines() : [],
  };
}

/** Fewest rows a chunk is cut to for wide rows (unless chunk_rows is smaller). */
const MIN_CHUNK_ROWS = 100;

/**
 * The job's plan: per table its staging and old names, copied columns, chunk key, chunk size and
 * staging DDL. Throws when the inspection finds problems (the source or destination changed since the ticket).
 */
export async function planMigration(
  spec: MigrateSpec,
  runId: string,
  settings: CopySettings,
  db: PlanConnections,
): Promise<MigrationPlan> {
  const inspection = await inspectMigration(spec, db, { explainWhere: true });
  if (inspection.problems.length > 0) throw new PlanProblems(inspection.problems);
  const names = inspection.tables.map((t) => t.name);
  const infos = new Map((await readSchemaTables(db.source, spec.source.schema, names)).map((t) => [t.name, t]));
  const tables: TablePlan[] = [];
  for (const estimate of inspection.tables) {
    const info = infos.get(estimate.name);
    if (!info)
      throw new PlanProblems([
        `\`${estimate.name}\` disappeared from ${spec.source.cluster}.${spec.source.schema} while planning`,
      ]);
    const staging = workTableName(runId, 'n', info.name);
    const exists = estimate.existing !== null;
    const keep = new Set<string>();
    if (info.key && info.key.index !== 'PRIMARY') keep.add(info.key.index);
    if (info.autoIncrementColumn) {
      for (const [name, index] of Object.entries(info.indexes))
        if (index.columns[0] === info.autoIncrementColumn) keep.add(name);
    }
    const ddl = stagingDdl(
      await showCreateTable(db.source, spec.source.schema, info.name),
      qualified(spec.destination.schema, staging),
      {
        deferKeys: settings.deferKeys || (spec.mode === 'append' && exists),
        keep,
        // Appending into an existing table: the staging table only feeds INSERT … SELECT.
        dropDeferred: spec.mode === 'append' && exists,
      },
    );
    const avg = info.avgRowLength > 0 ? info.avgRowLength : 256;
    tables.push({
      name: info.name,
      staging,
      old: workTableName(runId, 'o', info.name),
      columns: copiedColumns(info),
      key: info.key,
      chunkRows: Math.min(settings.chunkRows, Math.max(MIN_CHUNK_ROWS, Math.floor(settings.chunkBytes / avg))),
      ddl,
      signature: columnSignature(info.columns),
      estimate: { rows: estimate.rows, bytes: estimate.bytes },
      existsInDestination: exists,
    });
  }
  // Biggest first: the long tables start early and the small ones fill the gaps at the end.
  tables.sort((a, b) => b.estimate.bytes - a.estimate.bytes);
  const outsideKeys = [];
  for (const fk of inspection.outsideKeys) {
    const definition = stagingDdl(await showCreateTable(db.destination, fk.schema, fk.table), '``', {
      deferKeys: false,
      keep: new Set(),
    }).foreignKeys.find((d) => keyName(d) === fk.constraint);
    if (definition) outsideKeys.push({ ...fk, definition });
  }
  return { runId, spec, tables, createsSchema: inspection.createsSchema, outsideKeys };
}

/** The migration cannot go ahead as asked; each problem is written for the requester. */
export class PlanProblems extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'PlanProblems';
  }
}
