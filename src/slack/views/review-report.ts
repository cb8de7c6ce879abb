import type { KnownBlock } from '@slack/types';
import { headline, VERDICT_TITLE, verdictOf } from '../../review/grade.js';
import type { Finding, ReviewReport, Severity, Verdict } from '../../review/types.js';
import { byPosition, type FindingGroup, groupFindings, placesText } from '../../review/render/groups.js';
import { plural, pluralSuffix } from '../../kernel/format.js';
import {
  code,
  codeBlock,
  context,
  divider,
  escapeMrkdwn,
  header,
  LIMITS,
  section,
  type Message,
} from '../../text/blocks.js';

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

/** Lines of the reviewed SQL quoted in the post, so the channel sees what was graded. */
const SQL_LINES = 6;

/**
 * The review as a Slack message: the verdict and grade, the SQL that was graded (its first lines),
 * then each finding, a rule that fires on many statements said once (`×40: statements 3, 5, 9 …`);
 * errors first, then in the order of the SQL, as many as fit.
 */
export function reviewReportMessage({ report, requestedBy }: ReviewViewInput): Message {
  const { summary } = report;
  const verdict = verdictOf(summary);
  const blocks: KnownBlock[] = [
    header(`SQL review: ${VERDICT_TITLE[verdict]} · grade ${summary.grade}`),
    section(
      `${VERDICT_ICON[verdict]} *${VERDICT_TITLE[verdict]}* — *${summary.errors}* error${pluralSuffix(summary.errors)}, *${summary.warnings}* warning${pluralSuffix(summary.warnings)}, *${summary.notices}* notice${pluralSuffix(summary.notices)} in ${report.statements.length} statement${pluralSuffix(report.statements.length)} · score ${summary.score}/100`,
    ),
    context(...contextLine(report, requestedBy)),
  ];
  const sql = reviewedSql(report);
  if (sql) blocks.push(section(codeBlock(sql)));
  const groups = sortBySeverity(groupFindings(report));
  const room = LIMITS.blocks - RESERVED_BLOCKS;
  const shown = groups.slice(0, room);
  if (shown.length > 0) blocks.push(divider());
  for (const group of shown) blocks.push(section(groupText(group, report)));
  if (groups.length > shown.length)
    blocks.push(
      context(`…and ${plural(groups.length - shown.length, 'more finding')}; the full report is in the thread.`),
    );
  return { text: `SQL review: ${headline(summary)}`, blocks };
}

/** Whether every finding fits in the message; otherwise the full report goes to the thread as a file. */
export function reviewFitsInMessage(report: ReviewReport): boolean {
  return groupFindings(report).length <= LIMITS.blocks - RESERVED_BLOCKS;
}

/** The first lines of the reviewed SQL (passwords already masked in the report), `…` when there is more. */
function reviewedSql(report: ReviewReport): string {
  const text = report.statements.map((s) => `${s.sql.trim()};`).join('\n');
  const lines = text.split('\n');
  const head = lines.slice(0, SQL_LINES).map((l) => (l.length > 160 ? `${l.slice(0, 159)}…` : l));
  return lines.length > SQL_LINES ? `${head.join('\n')}\n… (${lines.length - SQL_LINES} more lines)` : head.join('\n');
}

function contextLine(report: ReviewReport, requestedBy?: string): string[] {
  const parts: string[] = [];
  if (requestedBy) parts.push(`requested by <@${requestedBy}>`);
  parts.push(report.target ? `target ${code(report.target)}` : 'no target: text rules only');
  return parts;
}

/** One finding: severity, rule id, where, the quoted fragment, what is wrong and how to fix it. */
export function findingText(finding: Finding, report: ReviewReport): string {
  return groupText(
    { rule: finding.rule, severity: finding.severity, first: finding, findings: [finding], sameMessage: true },
    report,
  );
}

/** A group of findings: said once, with where it applies (`×40: statements 3, 5, 9 …`), one why and one fix. */
function groupText(group: FindingGroup, report: ReviewReport): string {
  const finding = group.first;
  const stmtCount = report.statements.length;
  const where =
    group.findings.length > 1
      ? placesText(group)
      : stmtCount > 1
        ? `statement ${finding.statement + 1}, line ${finding.line}`
        : `line ${finding.line}, column ${finding.column}`;
  const shards = report.statements[finding.statement]?.shards;
  const forSet = shards ? ` · for all ${shards.count} shards of ${code(shards.pattern)}` : '';
  const lines = [`${SEVERITY_ICON[finding.severity]} *${finding.severity}* ${code(finding.rule)} · ${where}${forSet}`];
  // A code block keeps the SQL's backticks as backticks (inline code cannot hold them).
  if (finding.fragment) lines.push(codeBlock(finding.fragment, 300));
  lines.push(escapeMrkdwn(group.sameMessage ? finding.message : `${finding.message} (and the like)`));
  lines.push(`_Why:_ ${escapeMrkdwn(finding.why)}`);
  lines.push(`_Fix:_ ${escapeMrkdwn(finding.fix)}`);
  return lines.join('\n');
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

/** Errors first (what blocks), then warnings, then notices; within each, in the order of the SQL. */
function sortBySeverity(groups: FindingGroup[]): FindingGroup[] {
  return [...groups].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || byPosition(a.first, b.first));
}
