import type { KnownBlock } from '@slack/types';
import type {
  ClusterDigest,
  DigestBackups,
  DigestNearMiss,
  DigestSlow,
  DigestStatement,
  DigestTicket,
  WeeklyDigest,
} from '../../diagnose/weekly-digest.js';
import { formatBytes, formatSeconds, plural } from '../../kernel/format.js';
import { code, context, divider, escapeMrkdwn, header, section, type Message } from '../../text/blocks.js';
import { shortStatement } from './diagnose-top.js';

/** Clusters shown (two blocks each, well under the 50 a message may have). */
const CLUSTERS_SHOWN = 20;
const STATEMENT_SHOWN = 90;

/** The weekly digest in the alert channel: one section per cluster, then the week's failures. */
export function weeklyDigestMessage(digest: WeeklyDigest): Message {
  const span = `${day(digest.from)} – ${day(digest.to)}`;
  const blocks: KnownBlock[] = [header(`Weekly digest · ${span}`)];
  for (const cluster of digest.clusters.slice(0, CLUSTERS_SHOWN)) blocks.push(divider(), section(clusterText(cluster)));
  const hidden = digest.clusters.length - CLUSTERS_SHOWN;
  if (hidden > 0) blocks.push(context(`and ${plural(hidden, 'more cluster')}: /dbops slow and /dbops space show each`));
  blocks.push(divider(), section(failuresText(digest.failedTickets, digest.backups)));
  blocks.push(
    context(
      'Statements by time spent this week; tables by growth over the week (the biggest ones the monitor samples); near misses are values at 80 % or more of their warning level for over a day that never fired.',
    ),
  );
  return { text: `Weekly digest ${span}`, blocks };
}

function clusterText(c: ClusterDigest): string {
  return [`*${escapeMrkdwn(c.cluster)}*`, slowText(c.slow), growthText(c), nearMissText(c.nearMisses)].join('\n');
}

function slowText(slow: DigestSlow): string {
  if (!slow.ok) return `_Slow statements:_ ${escapeMrkdwn(slow.why)}`;
  if (slow.statements.length === 0) return '_Slow statements:_ none this week';
  return ['_Slow statements_', ...slow.statements.map(statementLine)].join('\n');
}

function statementLine(s: DigestStatement): string {
  const schema = s.schema ? `${escapeMrkdwn(s.schema)} · ` : '';
  return `• ${formatSeconds(s.weekSeconds)} in ${plural(s.calls, 'call')} ${trend(s)} · ${schema}${code(shortStatement(s.digest, STATEMENT_SHOWN))}`;
}

/** "(new)", "(2.5× last week)", "(-40 %)". */
export function trend(s: Pick<DigestStatement, 'weekSeconds' | 'lastWeekSeconds'>): string {
  if (s.lastWeekSeconds === null) return "(not in last week's top)";
  if (s.lastWeekSeconds <= 0) return '(new)';
  const ratio = s.weekSeconds / s.lastWeekSeconds;
  if (ratio >= 1.5) return `(*${ratio.toFixed(1)}×* last week)`;
  const change = Math.round((ratio - 1) * 100);
  return change === 0 ? '(same as last week)' : `(${change > 0 ? '+' : ''}${change} % on last week)`;
}

function growthText(c: ClusterDigest): string {
  if (c.growth.length === 0) return '_Growing tables:_ none (or no size samples this week)';
  const lines = c.growth.map((g) => `• ${code(g.table)} +${formatBytes(g.grewBytes)} to ${formatBytes(g.bytes)}`);
  return ['_Fastest-growing tables_', ...lines].join('\n');
}

function nearMissText(misses: readonly DigestNearMiss[]): string {
  if (misses.length === 0) return '_Near misses:_ none';
  const lines = misses.map((m) => {
    const still = m.ongoing ? ', still' : '';
    return `• ${escapeMrkdwn(m.check)} on ${escapeMrkdwn(m.instance)} for ${hours(m.hours)}${still}: up to ${escapeMrkdwn(m.peakShown)} (warning at ${escapeMrkdwn(m.warningShown)})`;
  });
  return ['_Near misses_', ...lines].join('\n');
}

function failuresText(tickets: readonly DigestTicket[], backups: readonly DigestBackups[] | null): string {
  const lines: string[] = [];
  if (tickets.length === 0) lines.push('*Failed tickets:* none this week :white_check_mark:');
  else {
    lines.push(`*Failed tickets:* ${plural(tickets.length, 'ticket')}`);
    for (const t of tickets.slice(0, 10))
      lines.push(
        `• T-${t.id} ${escapeMrkdwn(t.kind)} on ${escapeMrkdwn(t.cluster)} by <@${t.requester}>, ${day(t.at)}`,
      );
    if (tickets.length > 10) lines.push(`and ${tickets.length - 10} more: /dbops tickets`);
  }
  if (backups !== null) {
    const failed = backups.filter((b) => b.failed > 0);
    const ok = backups.reduce((n, b) => n + b.ok, 0);
    lines.push(
      failed.length === 0
        ? `*Backups:* ${plural(ok, 'good set')}, no failures`
        : `*Backups:* ${failed.map((b) => `${escapeMrkdwn(b.cluster)} ${plural(b.failed, 'failed run')}`).join(', ')}`,
    );
  }
  return lines.join('\n');
}

function hours(h: number): string {
  return h >= 48 ? `${Math.floor(h / 24)} days` : `${Math.round(h)} hours`;
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}
