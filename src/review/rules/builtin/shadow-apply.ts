import { defineRule } from '../../define-rule.js';
import type { FindingDraft, ReviewStatement, StatementKind } from '../../types.js';

const SHADOW_KINDS: ReadonlySet<StatementKind> = new Set([
  'create-table',
  'alter-table',
  'drop-table',
  'rename-table',
  'create-index',
  'drop-index',
]);

export const shadowApply = defineRule({
  id: 'builtin.shadow-apply',
  severity: 'error',
  needs: 'server',
  summary: 'the DDL must run on copies of the target tables (a throwaway shadow schema on the scratch server)',
  why:
    'The shadow check runs each CREATE/ALTER/DROP/RENAME on empty copies of the real ' +
    "tables' definitions, so the server itself says whether it accepts the change (types, " +
    'keys, names, limits) before anything touches the target, including statements the ' +
    "review's parser cannot read.",
  fix:
    "Correct the statement as the server's error says and review again; the error names " +
    'the clause the server refused.',
  check({ stmt, batch, shadow }) {
    if (!shadow || !SHADOW_KINDS.has(stmt.kind)) return [];
    const findings: FindingDraft[] = [];
    if (isFirstDdl(stmt, batch)) {
      if (shadow.setupError)
        findings.push({ message: `The shadow check could not run on the scratch server: ${shadow.setupError}` });
      for (const [table, error] of shadow.copyErrors)
        findings.push({ message: `The shadow check could not copy \`${table}\` from the target: ${error}` });
      if (shadow.cleanupError)
        findings.push({
          message: `The shadow schema \`${shadow.shadowSchema}\` could not be dropped on the scratch server (a DBA should drop it): ${shadow.cleanupError}`,
        });
    }
    const outcome = shadow.statements.get(stmt.index);
    if (outcome?.status === 'failed') {
      findings.push({
        message: `The server refused this statement on a copy of the tables: ${outcome.error ?? 'unknown error'}${outcome.code ? ` (${outcome.code})` : ''}.`,
        fragment: stmt.stripped,
      });
    }
    return findings;
  },
});

function isFirstDdl(stmt: ReviewStatement, batch: readonly ReviewStatement[]): boolean {
  return batch.find((s) => SHADOW_KINDS.has(s.kind))?.index === stmt.index;
}
