import { plainCode } from '../text/mrkdwn.js';
import type { RunReport, StatementResult } from './run.js';
import { formatStatementTime, plural } from '../kernel/format.js';

/** A statement's line in the thread: `statement 2/5 done: 1,204 rows changed in 0.80 s; …`. */
export function statementLine(r: StatementResult, total: number): string {
  const head = `statement ${r.number}/${total}`;
  const what = plainCode(r.summary);
  switch (r.status) {
    case 'done': {
      const rows = r.affectedRows !== null ? `${plural(r.affectedRows, 'row')} changed` : 'ran';
      const warnings =
        r.warningCount > 0 ? `; ${plural(r.warningCount, 'warning')}: ${r.warnings.slice(0, 3).join(' / ')}` : '';
      return `${head} done: ${rows} in ${formatStatementTime(r.durationMs)}${r.note ? `; ${r.note}` : ''}${warnings} — ${what}`;
    }
    case 'already-done':
      return `${head} ${r.note ?? 'already ran'} — ${what}`;
    case 'failed':
      return `${head} failed${r.durationMs !== null ? ` after ${formatStatementTime(r.durationMs)}` : ''}: ${r.error ?? 'unknown error'} — ${what}`;
    case 'cancelled':
      return `${head} cancelled: ${r.error ?? 'cancelled'}; its transaction was rolled back — ${what}`;
    case 'not-run':
      return `${head} not run — ${what}`;
  }
}

/** `1–2`, `4, 6–9`. */
export function ranges(numbers: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; i++) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
    parts.push(j > i ? `${numbers[i]}–${numbers[j]}` : `${numbers[i]}`);
    i = j;
  }
  return parts.join(', ');
}

/** What ran and what did not, in one paragraph (the job's summary, or the first line of its failure). */
export function runSummary(report: RunReport, ticketRef: string, backupSchema = 'dbops_backup'): string {
  const total = report.results.length;
  const done = report.results.filter((r) => r.status === 'done' || r.status === 'already-done');
  const notRun = report.results.filter((r) => r.status === 'not-run').map((r) => r.number);
  const rows = done.reduce((sum, r) => sum + (r.affectedRows ?? 0), 0);
  const saved = done.filter((r) => r.backupTable && r.savedRows !== null);
  const savedRows = saved.reduce((sum, r) => sum + (r.savedRows ?? 0), 0);
  const backups =
    saved.length > 0
      ? `; ${plural(savedRows, 'row')} saved in ${backupSchema}, undo with \`/dbops rollback ${ticketRef}\``
      : '';
  if (report.outcome === 'succeeded')
    return `${done.length}/${total} statements done: ${plural(rows, 'row')} changed${backups}.`;
  const doneText =
    done.length > 0
      ? `statements ${ranges(done.map((r) => r.number))} done (${plural(rows, 'row')} changed${backups})`
      : 'no statement done';
  const notRunText = notRun.length > 0 ? `; ${ranges(notRun)} not run` : '';
  return `${report.failure ?? report.outcome}. ${doneText}${notRunText}.`;
}
