import type { KnownBlock } from '@slack/types';
import type { SchemaMeta, TableMeta, TableSummary } from '../../inventory/schema-meta.js';
import { formatBytes, formatCount } from '../../kernel/format.js';
import { code, codeBlock, context, escapeMrkdwn, header, section, type Message } from '../../text/blocks.js';

const TABLES_SHOWN = 60;
const TABLE_CHUNK = 25;

/** `/dbops meta cluster.schema`: its tables with rows, data and index size and index count, largest first. */
export function schemaMetaMessage(cluster: string, meta: SchemaMeta): Message {
  const { tables } = meta;
  const data = tables.reduce((n, t) => n + t.dataBytes, 0);
  const index = tables.reduce((n, t) => n + t.indexBytes, 0);
  const blocks: KnownBlock[] = [
    header(`${cluster}.${meta.schema}`),
    context(
      `${tables.length} table${tables.length === 1 ? '' : 's'} · data ${formatBytes(data)} · indexes ${formatBytes(index)} · rows and sizes are InnoDB's estimates · ${code(`/dbops meta ${cluster}.${meta.schema}.<table>`)} shows one table`,
    ),
  ];
  if (tables.length === 0) blocks.push(section('This schema has no tables.'));
  const shown = tables.slice(0, TABLES_SHOWN);
  for (let i = 0; i < shown.length; i += TABLE_CHUNK) {
    const rows = shown.slice(i, i + TABLE_CHUNK).map(tableRow);
    blocks.push(
      section(codeBlock([i === 0 ? TABLE_HEADER : null, ...rows].filter((l) => l !== null).join('\n'), 2900)),
    );
  }
  if (tables.length > TABLES_SHOWN) blocks.push(context(`…and ${tables.length - TABLES_SHOWN} smaller tables.`));
  return { text: `${cluster}.${meta.schema}: ${tables.length} tables`, blocks };
}

const TABLE_HEADER = `${'table'.padEnd(32)} ${'rows'.padStart(13)} ${'data'.padStart(9)} ${'index'.padStart(9)} idx`;

function tableRow(t: TableSummary): string {
  const name = t.type === 'view' ? `${t.name} (view)` : t.name;
  const rows = t.rows === null ? '—' : formatCount(t.rows);
  return `${name.length > 32 ? `${name.slice(0, 31)}…` : name.padEnd(32)} ${rows.padStart(13)} ${formatBytes(t.dataBytes).padStart(9)} ${formatBytes(t.indexBytes).padStart(9)} ${String(t.indexes).padStart(3)}`;
}

/** `/dbops meta cluster.schema.table`: rows, sizes, indexes and the table definition. */
export function tableMetaMessage(cluster: string, meta: TableMeta): Message {
  const t = meta.table;
  const facts = [
    t.type === 'view' ? 'view' : `engine ${t.engine ?? '?'}`,
    `rows ≈ ${t.rows === null ? '—' : formatCount(t.rows)}`,
    `data ${formatBytes(t.dataBytes)}`,
    `indexes ${formatBytes(t.indexBytes)}`,
  ];
  const indexLines = meta.indexes.map(
    (i) =>
      `${i.name === 'PRIMARY' ? ':key:' : i.unique ? ':small_blue_diamond: unique' : ':small_orange_diamond:'} ${code(i.name)} (${i.columns.map(escapeMrkdwn).join(', ')})${i.type !== 'BTREE' ? ` ${i.type}` : ''}${i.cardinality !== null ? ` · cardinality ≈ ${formatCount(i.cardinality)}` : ''}`,
  );
  const blocks: KnownBlock[] = [
    header(`${cluster}.${meta.schema}.${t.name}`),
    section(`${facts.join(' · ')}${t.comment ? `\n_${escapeMrkdwn(t.comment)}_` : ''}`),
    section(`*Indexes (${meta.indexes.length})*\n${indexLines.length > 0 ? indexLines.join('\n') : 'none'}`),
    section(`*Definition*\n${codeBlock(meta.definition, 2800)}`),
  ];
  if (meta.definition.length > 2800)
    blocks.push(context('The definition is cut short here; SHOW CREATE TABLE on a replica shows all of it.'));
  return { text: `${cluster}.${meta.schema}.${t.name}: ${t.rows ?? '?'} rows`, blocks };
}
