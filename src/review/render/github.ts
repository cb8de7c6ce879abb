import type { ReviewReport, Severity } from '../types.js';
import { plural } from '../../kernel/format.js';

/**
 * GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…,col=…,title=…::message`
 * per finding, which Actions turns into annotations on the pull request's diff, then a summary line
 * (plain text, shown in the log only). Severity names match GitHub's three levels one to one.
 */
export function renderGithub(report: ReviewReport, file: string): string {
  const lines: string[] = [];
  for (const stmt of report.statements) {
    for (const f of stmt.findings) {
      const properties = [
        `file=${escapeProperty(file)}`,
        `line=${f.line}`,
        `col=${f.column}`,
        `title=${escapeProperty(`dbops ${f.rule}`)}`,
      ].join(',');
      lines.push(`::${LEVEL[f.severity]} ${properties}::${escapeData(`${f.message} Fix: ${f.fix}`)}`);
    }
  }
  const s = report.summary;
  lines.push(
    `dbops review: ${plural(report.statements.length, 'statement')}, ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.notices, 'notice')}; score ${s.score}/100, grade ${s.grade}`,
  );
  return `${lines.join('\n')}\n`;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'notice'> = {
  error: 'error',
  warning: 'warning',
  notice: 'notice',
};

/** A command's message: `%`, CR and LF are percent-encoded (GitHub's runner decodes them back). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command's property value: as a message, plus `:` and `,` that would end the value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
