import type { KnownBlock } from '@slack/types';
import { headline, VERDICT_TITLE, verdictOf } from '../../review/grade.js';
import type { Finding, ReviewReport, Severity, Verdict } from '../../review/types.js';
import { code, context, divider, escapeMrkdwn, header, LIMITS, section, truncate, type Message } from './blocks.js';

const SEVERITY_ICON: Record<Severity, string> = {
  error: ':red_circle:',
  warning: ':large_orange_circle:',
  notice: ':large_blue_circle:',
};
const VERDICT_ICON: Record<Verdict, string> = {
  blocked: ':no_entry:',
  'passes-with-findings': ':warning:',
  clean: ':white_check_mark:',
};
/** Blocks kept free for the header, summary and the "more findings" note. */
const RESERVED_BLOCKS = 6;

export interface ReviewViewInput {
  report: ReviewReport;
  requestedBy?: string;
}

/** The review as a Slack message: grade, counts per severity, then each finding (as many as fit). */
export function reviewReportMessage({ report, requestedBy }: ReviewViewInput): Message {
  const { summary } = report;
  const findings = report.statements.flatMap((s) => s.findings);
  const verdict = verdictOf(summary);
  const blocks: KnownBlock[] = [
    header(`SQL review: ${VERDICT_TITLE[verdict]} · grade ${summary.grade}`),
    section(
      `${VERDICT_ICON[verdict]} *${VERDICT_TITLE[verdict]}* — *${summary.errors}* error${plural(summary.errors)}, *${summary.warnings}* warning${plural(summary.warnings)}, *${summary.notices}* notice${plural(summary.notices)} in ${report.statements.length} statement${plural(report.statements.length)} · score ${summary.score}/100`,
    ),
    context(...contextLine(report, requestedBy)),
  ];
  const room = LIMITS.blocks - RESERVED_BLOCKS;
  const shown = sortBySeverity(findings).slice(0, room);
  if (shown.length > 0) blocks.push(divider());
  for (const finding of shown) blocks.push(section(findingText(finding, report)));
  if (findings.length > shown.length)
    blocks.push(context(`…and ${findings.length - shown.length} more finding(s); the full report is in the thread.`));
  const text = `SQL review: ${headline(summary)}`;
  return { text, blocks };
}

/** Whether every finding fits in the message; otherwise the full report goes to the thread as a file. */
export function reviewFitsInMessage(report: ReviewReport): boolean {
  return report.statements.reduce((n, s) => n + s.findings.length, 0) <= LIMITS.blocks - RESERVED_BLOCKS;
}

function contextLine(report: ReviewReport, requestedBy?: string): string[] {
  const parts: string[] = [];
  if (requestedBy) parts.push(`requested by <@${requestedBy}>`);
  parts.push(report.target ? `target ${code(report.target)}` : 'no target: text rules only');
  return parts;
}

/** One finding: severity, rule id, where, the quoted fragment, what is wrong and how to fix it. */
export function findingText(finding: Finding, report: ReviewReport): string {
  const stmtCount = report.statements.length;
  const where =
    stmtCount > 1
      ? `statement ${finding.statement + 1}, line ${finding.line}`
      : `line ${finding.line}, column ${finding.column}`;
  const shards = report.statements[finding.statement]?.shards;
  const forSet = shards ? ` · for all ${shards.count} shards of ${code(shards.pattern)}` : '';
  const lines = [`${SEVERITY_ICON[finding.severity]} *${finding.severity}* ${code(finding.rule)} · ${where}${forSet}`];
  if (finding.fragment) lines.push(`> ${escapeMrkdwn(truncate(finding.fragment.replace(/\s+/g, ' '), 200))}`);
  lines.push(escapeMrkdwn(finding.message));
  lines.push(`_Why:_ ${escapeMrkdwn(finding.why)}`);
  lines.push(`_Fix:_ ${escapeMrkdwn(finding.fix)}`);
  return lines.join('\n');
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

function sortBySeverity(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) => ORDER[a.severity] - ORDER[b.severity] || a.statement - b.statement || a.line - b.line,
  );
}

function plural(n: number): string {
  return n === 1 ? '' : 's';
}
