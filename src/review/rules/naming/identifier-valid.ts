import { defineRule } from '../../define-rule.js';
import { introducedIdentifiers } from './_identifiers.js';

const VALID = /^[A-Za-z0-9_]+$/;
const MAX_LENGTH = 64;

export const namingIdentifierValid = defineRule({
  id: 'naming.identifier.valid',
  severity: 'error',
  needs: 'text',
  summary: 'names use only letters, digits and underscores, at most 64 characters',
  why:
    'Names with spaces, dashes, dots or non-ASCII letters must be quoted in every query, ' +
    'break tools and scripts that do not quote, and can end up as different file names on ' +
    'disk; MySQL rejects names over 64 characters.',
  fix: 'Use only A–Z, a–z, 0–9 and _ (e.g. `order_items`, not `order-items` or `order items`), at most 64 characters.',
  check({ stmt }) {
    return introducedIdentifiers(stmt).flatMap(({ kind, name }) => {
      if (!VALID.test(name))
        return [
          {
            message: `The ${kind} name \`${name}\` has characters other than letters, digits and _.`,
            fragment: `\`${name}\``,
          },
        ];
      if (name.length > MAX_LENGTH)
        return [
          {
            message: `The ${kind} name \`${name.slice(0, 20)}…\` is ${name.length} characters long; the limit is ${MAX_LENGTH}.`,
            fragment: name.slice(0, 40),
          },
        ];
      return [];
    });
  },
});
