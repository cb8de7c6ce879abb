import { defineRule } from '../../define-rule.js';
import { indexFragment, isLobType, tableDdl } from '../../ast-ddl.js';
import type { FindingDraft } from '../../types.js';
import { columnTypes } from './_columns.js';

export const indexTypeNoBlob = defineRule({
  id: 'index.type-no-blob',
  severity: 'error',
  needs: 'text',
  summary: 'BLOB/TEXT columns only indexed with a prefix length',
  why:
    'MySQL refuses to index a whole BLOB, TEXT or JSON column ("BLOB/TEXT column used in ' +
    'key specification without a key length"); where it is accepted (MariaDB hashes long ' +
    'unique keys) the index is large and cannot serve range queries or sorting.',
  fix:
    'Index a prefix, e.g. KEY idx_body (body(64)), or index a short VARCHAR or generated ' +
    'column instead; use a FULLTEXT index for text search.',
  check(ctx) {
    const ddl = tableDdl(ctx.stmt);
    if (!ddl) return [];
    const types = columnTypes(ddl, ctx);
    const findings: FindingDraft[] = [];
    for (const index of ddl.indexes) {
      if (index.kind === 'fulltext' || index.kind === 'spatial' || index.kind === 'foreign') continue;
      for (const part of index.columns) {
        const type = types.get(part.name.toLowerCase());
        if (part.expression || part.prefixLength !== null || !type || !(isLobType(type) || type === 'json')) continue;
        findings.push({
          message: `${type.toUpperCase()} column \`${part.name}\` is indexed without a prefix length.`,
          fragment: indexFragment(index),
        });
      }
    }
    return findings;
  },
});
