import type { CatalogIndex } from '../../catalog/catalog.js';
import { changeOf } from '../../catalog/batch-state.js';
import { sameName } from '../../catalog/memory-catalog.js';
import { defineRule } from '../../define-rule.js';
import type { FindingDraft } from '../../types.js';

export const indexNotRedundant = defineRule({
  id: 'index.not-redundant',
  severity: 'warning',
  needs: 'text',
  summary: 'no index that is a left prefix of another index',
  why:
    'An index on (a) is redundant next to one on (a, b): any query that can use the first ' +
    'can use the second. The extra index slows every INSERT, UPDATE and DELETE and takes ' +
    'disk and memory for nothing.',
  fix:
    'Drop the shorter index, or do not add it. Keep it only when it is UNIQUE (it then ' +
    'enforces a rule) or when a DBA has measured that the shorter index is needed.',
  check(ctx) {
    const { stmt } = ctx;
    if (stmt.kind !== 'create-table' && stmt.kind !== 'alter-table' && stmt.kind !== 'create-index') return [];
    // Against the target's catalog, or the tables the batch itself created when there is none.
    const change = changeOf(ctx);
    if (!change || change.after.partial) return [];
    const before = change.before?.indexes ?? [];
    const isNew = (index: CatalogIndex) =>
      !before.some((b) => sameName(b.name, index.name) && sameColumns(b.columns, index.columns));
    const btree = change.after.indexes.filter((i) => (i.type ?? 'BTREE').toUpperCase() === 'BTREE');
    const findings: FindingDraft[] = [];
    for (const shorter of btree) {
      if (shorter.unique || shorter.primary) continue;
      const longer = btree.find(
        (other) =>
          other !== shorter && isProperPrefix(shorter.columns, other.columns) && (isNew(shorter) || isNew(other)),
      );
      if (!longer) continue;
      findings.push({
        message: `Index \`${shorter.name}\` (${shorter.columns.join(', ')}) of \`${change.after.name}\` is a left prefix of ${longer.primary ? 'the primary key' : `index \`${longer.name}\``} (${longer.columns.join(', ')}), which serves the same lookups.`,
        fragment: shorter.name,
      });
    }
    return findings;
  },
});

function isProperPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length > 0 && prefix.length < of.length && prefix.every((c, i) => sameName(c, of[i]));
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => sameName(c, b[i]));
}
