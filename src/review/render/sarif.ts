import type { Rule, ReviewReport, Severity } from '../types.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', notice: 'note' };

/**
 * SARIF 2.1.0, the format code-scanning tools (GitHub, GitLab, IDEs) read, so the same review can
 * annotate a pull request. Only rules that fired are described.
 */
export function renderSarif(report: ReviewReport, rules: readonly Rule[], artifact: string): string {
  const findings = report.statements.flatMap((s) => s.findings);
  const fired = new Set(findings.map((f) => f.rule));
  const sarif = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'dbops',
            informationUri: 'https://github.com/dbops/dbops',
            rules: rules
              .filter((r) => fired.has(r.id))
              .map((r) => ({
                id: r.id,
                shortDescription: { text: r.summary },
                fullDescription: { text: r.why },
                help: { text: r.fix },
                defaultConfiguration: { level: LEVEL[r.severity] },
              })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          level: LEVEL[f.severity],
          message: { text: `${f.message} ${f.fix}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(artifact) },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
        })),
        properties: { verdict: report.summary.verdict, score: report.summary.score, grade: report.summary.grade },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/**
 * SARIF locates a file by a URI reference: a path relative to the repository root as code scanning
 * expects, each segment percent-encoded so a space, `%` or `#` in a file name stays part of it.
 */
export function artifactUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
