import { defineRule } from '../../define-rule.js';
import { onlineDdlOptions, tableDdl } from '../../ast-ddl.js';

export const statementRequireLockOption = defineRule({
  id: 'statement.require-lock-option',
  severity: 'notice',
  needs: 'text',
  summary: 'ALTER TABLE should say LOCK=',
  why:
    'Without LOCK the server may block writes (or reads) on the table for the whole ' +
    'change without warning. With LOCK=NONE it refuses up front when the change cannot ' +
    'run while the application keeps writing.',
  fix:
    'Add LOCK=NONE to the statement, e.g. `ALTER TABLE t ADD INDEX idx_a (a), ' +
    'ALGORITHM=INPLACE, LOCK=NONE`; if the server refuses, ask a DBA to run it with an ' +
    'online schema-change tool.',
  check({ stmt }) {
    const options = onlineDdlOptions(stmt);
    if (!options || options.lock !== null) return [];
    const ddl = tableDdl(stmt);
    if (ddl && ddl.actions.length > 0 && ddl.actions.every((a) => a.type === 'rename-table' || a.type === 'algorithm'))
      return [];
    const verb =
      stmt.kind === 'alter-table' ? 'ALTER TABLE' : stmt.kind === 'create-index' ? 'CREATE INDEX' : 'DROP INDEX';
    return [
      {
        message: `${verb} without LOCK=: it may block writes to the table while it runs.`,
        fragment: stmt.stripped,
      },
    ];
  },
});
