import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import type { IndexAdvice } from '../../diagnose/index-advice.js';
import { ids } from '../ids.js';
import type { DigestReview, SlowReport } from '../../diagnose/service.js';
import type { Digest } from '../../diagnose/slow.js';
import { formatCount, formatSeconds } from '../../kernel/format.js';
import { code, codeBlock, context, divider, escapeMrkdwn, header, section, type Message } from '../../text/blocks.js';
import { shortStatement } from './diagnose-top.js';

const FINDINGS_SHOWN = 3;

/** `/dbops slow cluster [schema] [since …]`: the top digests by total time, the first ones with their review. */
export function slowMessage(report: SlowReport): Message {
  const title = `slow · ${report.schema ? `${report.cluster}.${report.schema}` : report.cluster} · last ${report.since}`;
  if (!report.ok)
    return {
      text: `${title}: no statement digests to read`,
      blocks: [header(title), section(`:information_source: ${escapeMrkdwn(report.enable)}`)],
    };
  const source =
    report.source === 'performance_schema'
      ? 'performance_schema statement digests (cumulative since the server started or the table was truncated; listed when seen in the period)'
      : 'the slow query log table (mysql.slow_log)';
  const blocks: KnownBlock[] = [
    header(title),
    context(`From ${source}, by total time.${report.note ? ` ${escapeMrkdwn(report.note)}` : ''}`),
  ];
  if (report.digests.length === 0) blocks.push(section('No statements in this period.'));
  report.digests.forEach((d, i) => {
    blocks.push(divider(), section(digestText(i + 1, d)));
    const review = report.reviews[i];
    if (review) blocks.push(context(reviewText(review)));
    if (review?.advice && d.schema) blocks.push(...adviceBlocks(report.cluster, d.schema, review.advice));
  });
  return { text: `${title}: ${report.digests.length} digests`, blocks: blocks.slice(0, 50) };
}

function digestText(n: number, d: Digest): string {
  const p95 = d.p95Seconds === null ? '' : ` · p95 ${seconds(d.p95Seconds)}`;
  const ratio = d.rowsSent > 0 ? ` (${formatCount(d.rowsExamined / d.rowsSent)} examined per row sent)` : '';
  return `*${n}.* ${d.schema ? code(d.schema) : '_no schema_'} · ${formatCount(d.calls)} call${d.calls === 1 ? '' : 's'} · total ${seconds(d.totalSeconds)} · mean ${seconds(d.meanSeconds)}${p95}\nrows examined ${formatCount(d.rowsExamined)} vs sent ${formatCount(d.rowsSent)}${ratio}\n${codeBlock(shortStatement(d.sample ?? d.digest, 600), 700)}`;
}

function reviewText(review: DigestReview): string {
  if (!review.report) return `Not reviewed against its schema: ${escapeMrkdwn(review.why ?? 'unknown reason')}.`;
  const { summary, statements } = review.report;
  const findings = statements.flatMap((s) => s.findings);
  const shown = findings
    .slice(0, FINDINGS_SHOWN)
    .map((f) => `${f.severity} ${code(f.rule)}: ${escapeMrkdwn(f.message)}`);
  const more =
    findings.length > FINDINGS_SHOWN
      ? ` …and ${findings.length - FINDINGS_SHOWN} more (\`/dbops review\` shows all)`
      : '';
  return `Review: grade *${summary.grade}* (${summary.score})${shown.length > 0 ? ` · ${shown.join(' · ')}${more}` : ' · no findings'}`;
}

function seconds(s: number): string {
  return s < 10 ? `${s.toFixed(s < 1 ? 3 : 2)} s` : formatSeconds(s);
}

/** What "Open change" carries: the exec form's target and SQL. */
export const OpenChangeValue = z.object({ t: z.string().max(200), s: z.string().max(1500) });

export function parseOpenChangeValue(value: string): z.infer<typeof OpenChangeValue> | null {
  try {
    const parsed = OpenChangeValue.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function adviceBlocks(cluster: string, schema: string, advice: IndexAdvice): KnownBlock[] {
  const plan = advice.plan;
  const read = plan
    ? `EXPLAIN on the replica: ${plan.type === 'ALL' ? 'a full scan' : `access \`${escapeMrkdwn(plan.type ?? '?')}\``} of ${code(plan.table ?? '?')}, about ${formatCount(plan.rows)} rows${plan.key ? `, index ${code(plan.key)}` : ', no index'}.`
    : '';
  if (advice.kind === 'none') return [context(`${read} ${escapeMrkdwn(advice.why)}.`.trim())];
  const value = JSON.stringify({ t: `${cluster}.${schema}`, s: advice.sql });
  return [
    section(
      `:bulb: ${read} An index on (${advice.columns.map(code).join(', ')}) would let it seek instead:\n${codeBlock(advice.sql, 1500)}`,
    ),
    {
      type: 'actions',
      block_id: `${ids.diagnose.blockPrefix}advice.${advice.table}.${advice.columns.join('.')}`.slice(0, 255),
      elements: [
        {
          type: 'button',
          action_id: ids.diagnose.openChange,
          text: { type: 'plain_text', text: 'Open change' },
          value: value.length <= 2000 ? value : JSON.stringify({ t: `${cluster}.${schema}`, s: '' }),
        },
      ],
    },
  ];
}
