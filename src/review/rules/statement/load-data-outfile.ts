import { defineRule } from '../../define-rule.js';
import { locate, statementTokens, word } from '../../ast-dml.js';

const FILE_WORDS = /\b(?:OUTFILE|DUMPFILE)\b/i;

export const loadDataOutfile = defineRule({
  id: 'statement.load-data-outfile',
  severity: 'error',
  needs: 'text',
  summary: 'no LOAD DATA or SELECT … INTO OUTFILE/DUMPFILE',
  why:
    'These read files into the database or write query results to files on the database ' +
    'server: data leaves the audited path (or enters it unchecked), needs the FILE ' +
    "privilege, and depends on the server's file system and secure_file_priv setting.",
  fix:
    'Load data with INSERT statements (in batches), or ask a DBA for a data import or ' +
    'export job; to get query results, use a query request.',
  check({ stmt }) {
    if (stmt.kind === 'load-data') {
      const words = stmt.stripped.split(' ', 3).join(' ');
      return [
        {
          message: `\`${words} …\` loads a file into a table, outside the reviewed change.`,
          fragment: stmt.stripped,
        },
      ];
    }
    if (!FILE_WORDS.test(stmt.stripped)) return [];
    const list = statementTokens(stmt);
    for (let i = 0; i + 1 < list.length; i++) {
      const target = word(list[i + 1]);
      if (word(list[i]) !== 'INTO' || (target !== 'OUTFILE' && target !== 'DUMPFILE')) continue;
      const file = list[i + 2]?.type === 'quoted' ? ` ${list[i + 2].text}` : '';
      return [
        {
          message: `\`INTO ${target}${file}\` writes the result to a file on the database server.`,
          fragment: `INTO ${target}${file}`,
          ...locate(stmt, ['INTO', target]),
        },
      ];
    }
    return [];
  },
});
