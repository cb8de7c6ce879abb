import { defineRule } from '../../define-rule.js';
import { tableDdl, tableLabel } from '../../ast-ddl.js';

export const engineMysqlUseInnodb = defineRule({
  id: 'engine.mysql.use-innodb',
  severity: 'error',
  needs: 'text',
  summary: 'tables must use the InnoDB engine',
  why:
    'Only InnoDB has transactions, crash recovery and row-level locks. MyISAM, MEMORY, ' +
    'Aria and the like can lose or corrupt rows on a crash, lock the whole table for ' +
    'every write, and do not work with consistent backups or online schema changes.',
  fix: 'Write ENGINE=InnoDB, or leave ENGINE out (InnoDB is the server default).',
  check({ stmt }) {
    const ddl = tableDdl(stmt);
    const engine = ddl?.options.engine;
    if (!ddl || !engine || engine.toLowerCase() === 'innodb') return [];
    return [
      { message: `Table ${tableLabel(ddl)} uses ENGINE=${engine} instead of InnoDB.`, fragment: `ENGINE=${engine}` },
    ];
  },
});
