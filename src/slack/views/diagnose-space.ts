import type { KnownBlock } from '@slack/types';
import type { SchemaSpace, SpaceReport } from '../../diagnose/space.js';
import { formatBytes } from '../../kernel/format.js';
import { codeBlock, context, header, section, type Message } from '../../text/blocks.js';

const SCHEMAS_SHOWN = 15;

/** `/dbops space cluster [schema]`: the biggest schemas and tables, growth per day, days to the limits. */
export function spaceMessage(report: SpaceReport): Message {
  const title = report.schema ? `${report.cluster}.${report.schema}` : report.cluster;
  const blocks: KnownBlock[] = [header(`space · ${title}`), section(totalLine(report))];
  if (report.schemas.length === 0) blocks.push(section('No tables here.'));
  if (report.schemas.length > 0) {
    const rows = report.schemas.slice(0, SCHEMAS_SHOWN).map(schemaRow);
    blocks.push(section(`*Schemas*\n${codeBlock([SCHEMA_HEADER, ...rows].join('\n'), 2900)}`));
  }
  if (report.tables.length > 0) {
    const rows = report.tables.map(
      (t) =>
        `${cell(`${t.schema}.${t.table}`, 34)} ${formatBytes(t.dataBytes).padStart(9)} ${formatBytes(t.indexBytes).padStart(9)} ${formatBytes(t.freeBytes).padStart(9)} ${growthText(t.growthPerDay).padStart(11)}`,
    );
    blocks.push(section(`*Biggest tables*\n${codeBlock([TABLE_HEADER, ...rows].join('\n'), 2900)}`));
  }
  blocks.push(context(historyLine(report)));
  return { text: `space ${title}: ${formatBytes(report.totalBytes)}`, blocks };
}

const SCHEMA_HEADER = `${'schema'.padEnd(24)} ${'data'.padStart(9)} ${'index'.padStart(9)} ${'free'.padStart(9)} ${'growth/day'.padStart(11)} to limit`;
const TABLE_HEADER = `${'table'.padEnd(34)} ${'data'.padStart(9)} ${'index'.padStart(9)} ${'free'.padStart(9)} ${'growth/day'.padStart(11)}`;

function growthText(perDay: number | null): string {
  return perDay === null ? '—' : `${perDay < 0 ? '-' : '+'}${formatBytes(Math.abs(perDay))}`;
}

function schemaRow(s: SchemaSpace): string {
  const growth =
    s.growthPerDay === null ? '—' : `${s.growthPerDay < 0 ? '-' : '+'}${formatBytes(Math.abs(s.growthPerDay))}`;
  return `${cell(s.schema, 24)} ${formatBytes(s.dataBytes).padStart(9)} ${formatBytes(s.indexBytes).padStart(9)} ${formatBytes(s.freeBytes).padStart(9)} ${growth.padStart(11)} ${limitText(s)}`;
}

function limitText(s: SchemaSpace): string {
  if (s.limitBytes === null) return '—';
  if (s.daysToLimit === 0) return `over ${formatBytes(s.limitBytes)}`;
  return s.daysToLimit === null
    ? `${formatBytes(s.limitBytes)}, not growing`
    : `${days(s.daysToLimit)} (${formatBytes(s.limitBytes)})`;
}

function totalLine(r: SpaceReport): string {
  const total = `*${formatBytes(r.totalBytes)}* in ${r.schemas.length} schema${r.schemas.length === 1 ? '' : 's'}`;
  if (r.schema !== null) return total;
  if (r.diskBytes === null) return `${total} · set \`clusters.${r.cluster}.disk_bytes\` for a forecast of the disk`;
  const share = `${Math.round((r.totalBytes / r.diskBytes) * 100)} % of the ${formatBytes(r.diskBytes)} disk`;
  if (r.daysToDisk === 0) return `${total} · ${share}: *the disk is full*`;
  return `${total} · ${share}${r.daysToDisk === null ? ' · not growing (or no history yet)' : ` · full in about *${days(r.daysToDisk)}* at this rate`}`;
}

function historyLine(r: SpaceReport): string {
  const sizes = 'Sizes are InnoDB estimates; free is allocated but unused (OPTIMIZE TABLE gives it back).';
  if (r.historySince === null)
    return `${sizes} No growth yet: the monitor samples schema sizes hourly on the primary when monitors.schema_size has a limit.`;
  return `${sizes} Growth from the monitor's samples since ${r.historySince.toISOString().slice(0, 16).replace('T', ' ')} UTC.`;
}

function days(n: number): string {
  return n < 1 ? 'less than a day' : `${Math.round(n)} day${Math.round(n) === 1 ? '' : 's'}`;
}

function cell(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}
