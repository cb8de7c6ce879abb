import type { KnownBlock } from '@slack/types';
import type { MigratePayload, Ticket } from '../../tickets/ticket.js';
import { code, escapeMrkdwn, section, truncate } from './blocks.js';

/** Tables listed by name in a message; the rest are counted. */
export const TABLES_SHOWN = 12;

/** `1.2 GB`, `340 MB`, `12 KB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

const rows = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;

export function migrateRoute(payload: Pick<MigratePayload, 'source' | 'destination'>): string {
  return `${payload.source.cluster}.${payload.source.schema} → ${payload.destination.cluster}.${payload.destination.schema}`;
}

/**
 * What a migration copies, as the requester and the DBAs see it: route, mode, condition, each table
 * with its estimated rows and size, what it replaces in the destination, and the objects recreated.
 */
export function migrateDetailBlocks(payload: MigratePayload): KnownBlock[] {
  const lines = [
    `*Copy* ${code(migrateRoute(payload))} · mode *${payload.mode}*${payload.where ? ` · only rows where ${code(truncate(payload.where, 300))}` : ''}`,
  ];
  const estimate = payload.estimate;
  if (estimate) {
    // A `where` is never run before approval: the estimate is of the whole tables, the copy takes fewer rows.
    const about = payload.where ? 'at most' : 'about';
    lines.push(
      `*${estimate.tables.length} table${estimate.tables.length === 1 ? '' : 's'}*, ${about} ${rows(estimate.rows)} and ${formatBytes(estimate.bytes)} in all${payload.where ? ' (whole tables: the `where` is applied when the copy runs)' : ''}:`,
    );
    for (const t of estimate.tables.slice(0, TABLES_SHOWN)) {
      const replaces = t.replaces
        ? ` — ${payload.mode === 'append' ? 'adds to' : ':warning: replaces'} the destination's ${rows(t.replaces.rows)} (${formatBytes(t.replaces.bytes)})`
        : '';
      lines.push(`• ${code(t.name)}: ${about} ${rows(t.rows)}, ${formatBytes(t.bytes)}${replaces}`);
    }
    if (estimate.tables.length > TABLES_SHOWN) lines.push(`…and ${estimate.tables.length - TABLES_SHOWN} more tables`);
    if (estimate.objects.length > 0)
      lines.push(`*Also recreates*: ${escapeMrkdwn(truncate(estimate.objects.join(', '), 600))}`);
  } else if (payload.tables.length > 0) {
    lines.push(`*Tables*: ${payload.tables.map(code).join(', ')}`);
  } else {
    lines.push('*Tables*: every table of the schema');
  }
  return [section(truncate(lines.join('\n'), 2900))];
}

/** The migrate details of a ticket, or nothing for other kinds. */
export function ticketKindBlocks(ticket: Ticket): KnownBlock[] {
  return ticket.kind === 'migrate' ? migrateDetailBlocks(ticket.payload) : [];
}
