import { defineRule } from '../../define-rule.js';
import { indexFragment, isIntegerType, tableDdl, tableLabel } from '../../ast-ddl.js';
import { columnTypes } from './_columns.js';

export const indexPkType = defineRule({
  id: 'index.pk-type',
  severity: 'warning',
  needs: 'text',
  summary: 'primary keys should be integers',
  why:
    'InnoDB stores rows in primary-key order and copies the key into every secondary ' +
    'index. Strings or UUIDs as keys are larger, compare more slowly and insert in random ' +
    'order, which splits pages and bloats the table.',
  fix:
    'Use `id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY` and make the natural ' +
    'key (code, UUID, e-mail) a UNIQUE key instead.',
  check(ctx) {
    const ddl = tableDdl(ctx.stmt);
    if (!ddl) return [];
    const primary = ddl.indexes.find((i) => i.kind === 'primary');
    if (!primary) return [];
    const types = columnTypes(ddl, ctx);
    const wrong = primary.columns.flatMap((part) => {
      const type = types.get(part.name.toLowerCase());
      return !part.expression && type && !isIntegerType(type) ? [`\`${part.name}\` (${type.toUpperCase()})`] : [];
    });
    if (wrong.length === 0) return [];
    return [
      {
        message: `The primary key of ${tableLabel(ddl)} uses ${wrong.join(', ')}, not an integer type.`,
        fragment: indexFragment(primary),
      },
    ];
  },
});
