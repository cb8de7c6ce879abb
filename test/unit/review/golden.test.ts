import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { reviewSql } from '../../../src/review/engine.js';
import { renderJson } from '../../../src/review/render/json.js';
import { renderSarif } from '../../../src/review/render/sarif.js';
import { renderText } from '../../../src/review/render/text.js';
import { rules } from '../../../src/review/rules/index.js';
import { defaultRules } from '../../../src/review/settings.js';
import { reviewReportMessage } from '../../../src/slack/views/review-report.js';

/**
 * Golden renderings of one 60-statement batch in every format. A change to a report's wording or
 * layout shows here as a diff; after checking it, `UPDATE_GOLDEN=1` rewrites the files.
 */
const DIR = new URL('../../fixtures/golden/', import.meta.url).pathname;

function batch(): string {
  const head = [
    '-- migration 042: orders clean-up',
    'CREATE TABLE audit (',
    '  id INT,',
    '  body TEXT,',
    '  KEY idx_body (body)',
    ');',
    'ALTER TABLE audit ADD PRIMARY KEY (id);',
    "UPDTAE orders SET status = 'x' WHERE id = 1;",
    'ALTER TABLE events TRUNCATE PARTITION p0, p1;',
    'INSERT INTO archive (id) SELECT id FROM orders WHERE id < 10 LIMIT 100;',
    "GRANT SELECT ON shop.* TO 'app'@'%' IDENTIFIED BY 'hunter2';",
  ];
  const deletes = Array.from({ length: 54 }, (_, i) => `DELETE FROM orders_${i};`);
  return [...head, ...deletes].join('\n');
}

function check(name: string, actual: string): void {
  const file = `${DIR}${name}`;
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(file, actual);
  }
  assert.equal(
    actual,
    readFileSync(file, 'utf8'),
    `${name} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)`,
  );
}

describe('golden renderings of a 60-statement batch', async () => {
  const report = await reviewSql(batch(), { rules: defaultRules(rules), purpose: 'change' });

  it('has 60 statements', () => assert.equal(report.statements.length, 60));
  it('text', () => check('review-60.txt', renderText(report, 'migration.sql')));
  it('json', () => check('review-60.json', renderJson(report)));
  it('sarif', () => check('review-60.sarif', renderSarif(report, rules, 'migration.sql')));
  it('slack', () => check('review-60.slack.json', `${JSON.stringify(reviewReportMessage({ report }), null, 2)}\n`));
  it('never shows the password', () => {
    for (const text of [renderText(report), renderJson(report), JSON.stringify(reviewReportMessage({ report }))])
      assert.doesNotMatch(text, /hunter2/);
  });
});
