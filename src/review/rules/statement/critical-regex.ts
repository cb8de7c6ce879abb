import { z } from 'zod';
import { defineRule } from '../../define-rule.js';
import { locate } from '../../ast-dml.js';
import type { FindingDraft } from '../../types.js';

const Pattern = z.string().min(1).refine(isRegex, 'not a valid regular expression');

export const criticalRegex = defineRule({
  id: 'statement.critical-regex',
  severity: 'error',
  needs: 'text',
  summary: 'statements matching a DBA-configured pattern are refused',
  why:
    'Your DBAs have listed patterns of SQL that must not run through a change here, for ' +
    'example writes to a table that only a specific service may change.',
  fix:
    'Rewrite the statement so it does not need what the pattern forbids, or ask a DBA ' +
    '(the message says which pattern matched) for an exception.',
  params: z.strictObject({
    /** Regular expressions (case-insensitive) tested against each statement without comments; a message says why. */
    patterns: z
      .array(z.union([Pattern, z.strictObject({ pattern: Pattern, message: z.string().min(1).optional() })]))
      .default([]),
  }),
  check({ stmt, params }) {
    const findings: FindingDraft[] = [];
    for (const { regex, source, message } of compiled(params.patterns)) {
      const match = regex.exec(stmt.stripped);
      if (!match) continue;
      const text = match[0].length > 80 ? `${match[0].slice(0, 80)}…` : match[0];
      const why = message ? `: ${message}` : '';
      findings.push({
        message: `The statement matches the forbidden pattern /${source}/ (\`${text}\`)${why}.`,
        fragment: text,
        ...locate(stmt, match[0].split(/\s+/).filter(Boolean).slice(0, 8)),
      });
    }
    return findings;
  },
});

function isRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

interface CompiledPattern {
  regex: RegExp;
  source: string;
  message?: string;
}

const cache = new WeakMap<object, CompiledPattern[]>();

/** The patterns as regular expressions, compiled once per configuration. */
function compiled(patterns: Array<string | { pattern: string; message?: string }>): CompiledPattern[] {
  let list = cache.get(patterns);
  if (!list) {
    list = patterns
      .map((p) => (typeof p === 'string' ? { source: p } : { source: p.pattern, message: p.message }))
      .map((p) => ({ ...p, regex: new RegExp(p.source, 'i') }));
    cache.set(patterns, list);
  }
  return list;
}
