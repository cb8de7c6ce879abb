import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { rules } from '../../../src/review/rules/index.js';
import { loadRuleFixtures } from '../../support/rule-fixtures.js';

const RULES_DIR = new URL('../../../src/review/rules/', import.meta.url).pathname;

function ruleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ruleFiles(path);
    return entry.name.endsWith('.ts') && entry.name !== 'index.ts' && !entry.name.startsWith('_')
      ? [relative(RULES_DIR, path)]
      : [];
  });
}

it('rule ids are unique and dotted', () => {
  const ids = rules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'duplicate rule id');
  for (const id of ids) assert.match(id, /^[a-z]+(\.[a-z0-9-]+)+$/);
});

it('every rule file on disk is registered, and the registry has nothing else', () => {
  // One rule per file: the registry must hold as many rules as there are rule files.
  assert.equal(rules.length, ruleFiles(RULES_DIR).length, `files: ${ruleFiles(RULES_DIR).join(', ')}`);
});

it('every rule documents why it matters and how to fix it', () => {
  for (const rule of rules) {
    assert.ok(rule.summary.length > 5, `${rule.id} summary`);
    assert.ok(rule.why.length > 20, `${rule.id} why`);
    assert.ok(rule.fix.length > 10, `${rule.id} fix`);
  }
});

it('every rule has a fixture with cases that fire and cases that pass', () => {
  const covered = new Set(loadRuleFixtures().map((f) => f.rule));
  const missing = rules.map((r) => r.id).filter((id) => !covered.has(id));
  assert.deepEqual(missing, []);
});
