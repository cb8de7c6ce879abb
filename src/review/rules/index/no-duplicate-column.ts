import { defineRule } from '../../define-rule.js';
import { indexFragment, tableDdl } from '../../ast-ddl.js';
import type { FindingDraft } from '../../types.js';

export const indexNoDuplicateColumn = defineRule({
  id: 'index.no-duplicate-column',
  severity: 'error',
  needs: 'text',
  summary: 'a column only once per index',
  why:
    'A column listed twice in one key is an error on MySQL ("Duplicate column name") and ' +
    'adds nothing where it is accepted; it is almost always a typo for another column.',
  fix: 'List each column once, and check whether another column was meant.',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    if (!ddl) return [];
    const findings: FindingDraft[] = [];
    for (const index of ddl.indexes) {
      const seen = new Set<string>();
      const repeated = new Set<string>();
      for (const part of index.columns) {
        if (part.expression) continue;
        const key = part.name.toLowerCase();
        if (seen.has(key)) repeated.add(part.name);
        seen.add(key);
      }
      if (repeated.size === 0) continue;
      const what =
        index.kind === 'primary' ? 'The primary key' : index.name ? `Index \`${index.name}\`` : 'An unnamed index';
      findings.push({
        message: `${what} lists ${[...repeated].map((c) => `\`${c}\``).join(', ')} more than once.`,
        fragment: indexFragment(index),
      });
    }
    return findings;
  },
});
