import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { charsetOfCollation, tableDdl, tableLabel } from '../../ast-ddl.js';
import type { FindingDraft } from '../../types.js';

/** `utf8` is `utf8mb3` on MySQL 8 and MariaDB. */
function canonical(charset: string): string {
  const lower = charset.toLowerCase();
  return lower === 'utf8' ? 'utf8mb3' : lower;
}

export const tableCharsetAllowlist = defineRule({
  id: 'table.charset-allowlist',
  severity: 'error',
  needs: 'text',
  summary: 'table and column character sets must be on the allowlist',
  why:
    'Mixed character sets make joins and comparisons convert on every row (and stop using ' +
    'indexes), and anything but utf8mb4 cannot store every character: emoji and some ' +
    'names get cut or turned into `?`.',
  fix:
    'Use one of the allowed character sets (utf8mb4 by default) for the table and its ' +
    'columns, or leave CHARACTER SET out to inherit the default.',
  params: z.strictObject({ allowlist: z.array(z.string().min(1)).min(1).default(['utf8mb4']) }),
  check({ stmt, params }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    const allowed = new Set(params.allowlist.map(canonical));
    const list = params.allowlist.join(', ');
    const findings: FindingDraft[] = [];
    const report = (charset: string | null, collation: string | null, where: string): void => {
      const used = charset ?? (collation ? charsetOfCollation(collation) : null);
      if (!used || allowed.has(canonical(used))) return;
      const via = charset ? `CHARACTER SET ${used}` : `COLLATE ${collation} (character set ${used})`;
      findings.push({ message: `${where} uses ${via}; allowed: ${list}.`, fragment: via });
    };
    report(ddl.options.charset, ddl.options.collation, `Table ${tableLabel(ddl)}`);
    for (const col of ddl.columns) report(col.charset, col.collation, `Column \`${col.name}\``);
    return findings;
  },
});
