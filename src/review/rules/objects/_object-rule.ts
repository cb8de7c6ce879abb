import { defineRule } from '../../define-rule.js';
import { createdObjectName } from '../../ast-ddl.js';
import type { Rule, Severity, StatementKind } from '../../types.js';

interface ObjectRuleSpec {
  id: string;
  severity: Severity;
  kind: StatementKind;
  keyword: 'TRIGGER' | 'PROCEDURE' | 'FUNCTION' | 'EVENT' | 'VIEW';
  summary: string;
  why: string;
  fix: string;
}

/**
 * A rule that reports CREATE of one kind of stored object. It works from the statement's kind and
 * its comment-stripped text: node-sql-parser cannot read most routine, event and trigger bodies.
 */
export function disallowCreate(spec: ObjectRuleSpec): Rule {
  return defineRule({
    id: spec.id,
    severity: spec.severity,
    needs: 'text',
    summary: spec.summary,
    why: spec.why,
    fix: spec.fix,
    check({ stmt }) {
      if (stmt.kind !== spec.kind) return [];
      const name = createdObjectName(stmt, spec.keyword);
      return [
        {
          message: `CREATE ${spec.keyword}${name ? ` \`${name}\`` : ''}: ${spec.keyword.toLowerCase()}s are disallowed by the review policy.`,
          fragment: stmt.stripped,
        },
      ];
    },
  });
}
