import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { tableDdl, tableLabel } from '../../ast-ddl.js';
import type { FindingDraft } from '../../types.js';

/** The utf8mb4 collations teams usually standardise on. */
const DEFAULT_COLLATIONS = [
  'utf8mb4_general_ci',
  'utf8mb4_unicode_ci',
  'utf8mb4_unicode_520_ci',
  'utf8mb4_0900_ai_ci',
  'utf8mb4_uca1400_ai_ci',
  'utf8mb4_bin',
];

export const tableCollationAllowlist = defineRule({
  id: 'table.collation-allowlist',
  severity: 'warning',
  needs: 'text',
  summary: 'table and column collations must be on the allowlist',
  why:
    'Columns with different collations cannot be compared or joined without converting ' +
    'every row (which stops index use, or fails with "Illegal mix of collations"), and a ' +
    'collation decides whether `a` = `A` — mixing them gives different answers to the ' +
    'same query.',
  fix: 'Use one of the allowed collations, or leave COLLATE out to inherit the table or server default.',
  params: z.strictObject({ allowlist: z.array(z.string().min(1)).min(1).default(DEFAULT_COLLATIONS) }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    const allowed = new Set(params.allowlist.map((c) => c.toLowerCase()));
    const findings: FindingDraft[] = [];
    const report = (collation: string | null, where: string): void => {
      if (!collation || allowed.has(collation)) return;
      findings.push({
        message: `${where} uses COLLATE ${collation}, which is not on the allowlist (${params.allowlist.join(', ')}).`,
        fragment: `COLLATE ${collation}`,
      });
    };
    report(ddl.options.collation, `Table ${tableLabel(ddl)}`);
    for (const col of ddl.columns) report(col.collation, `Column \`${col.name}\``);
    return findings;
  },
});
