import { defineRule } from '../../define-rule.js';
import { onlineDdlOptions, tableDdl } from '../../ast-ddl.js';

export const statementRequireAlgorithmOption = defineRule({
  id: 'statement.require-algorithm-option',
  severity: 'notice',
  needs: 'text',
  summary: 'ALTER TABLE should say ALGORITHM=',
  why:
    'Without ALGORITHM the server silently picks the cheapest method it can, which may be ' +
    'a full table copy that blocks writes for hours. With ALGORITHM=INSTANT or INPLACE it ' +
    'refuses up front when the change cannot be done that way.',
  fix:
    'Add ALGORITHM=INSTANT (or INPLACE) to the statement, e.g. `ALTER TABLE t ADD COLUMN ' +
    'c INT, ALGORITHM=INSTANT`; if the server refuses, ask a DBA to run it with an online ' +
    'schema-change tool.',
  check({ stmt }) {
    const options = onlineDdlOptions(stmt);
    if (!options || options.algorithm !== null) return [];
    const ddl = tableDdl(stmt);
    if (ddl && ddl.actions.length > 0 && ddl.actions.every((a) => a.type === 'rename-table' || a.type === 'lock'))
      return [];
    const verb =
      stmt.kind === 'alter-table' ? 'ALTER TABLE' : stmt.kind === 'create-index' ? 'CREATE INDEX' : 'DROP INDEX';
    return [
      {
        message: `${verb} without ALGORITHM=: the server may copy the whole table without telling you.`,
        fragment: stmt.stripped,
      },
    ];
  },
});
