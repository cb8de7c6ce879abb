import { defineRule } from '../../define-rule.js';
import { introducedIdentifiers } from './_identifiers.js';
import { RESERVED_WORDS } from './_reserved-words.js';

export const namingIdentifierNoKeyword = defineRule({
  id: 'naming.identifier.no-keyword',
  severity: 'warning',
  needs: 'text',
  summary: 'no reserved words as names',
  why:
    'A table, column or index named like a reserved word (`order`, `key`, `group`, ' +
    '`rank`) must be quoted with backticks in every query forever; one unquoted use is a ' +
    'syntax error, and words reserved in a newer server version break existing queries on ' +
    'upgrade.',
  fix:
    'Pick a name that is not a reserved word, e.g. `sort_order` instead of `order`, ' +
    '`group_name` instead of `group`.',
  check({ stmt }) {
    return introducedIdentifiers(stmt)
      .filter((id) => RESERVED_WORDS.has(id.name.toUpperCase()))
      .map(({ kind, name }) => ({
        message: `The ${kind} name \`${name}\` is a reserved word.`,
        fragment: `\`${name}\``,
      }));
  },
});
