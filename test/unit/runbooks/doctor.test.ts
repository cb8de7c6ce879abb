import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Runbook } from '../../../src/config/runbook-schema.js';
import { checkRunbooks, renderRunbookChecks } from '../../../src/runbooks/doctor.js';

const dir = mkdtempSync(join(tmpdir(), 'dbops-doctor-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('dbops doctor on runbooks', () => {
  it('fails a missing or non-executable runbook and warns about an unset secret', () => {
    const good = join(dir, 'good.sh');
    const plain = join(dir, 'plain.sh');
    writeFileSync(good, '#!/bin/sh\n');
    writeFileSync(plain, '#!/bin/sh\n');
    chmodSync(good, 0o755);
    const declare = (name: string, run: string, secrets: string[] = []) =>
      Runbook.parse({ name, summary: 's', run, secrets, params: { c: { type: 'cluster' } } });
    const checks = checkRunbooks(
      [declare('good', good, ['SET_ONE', 'UNSET_ONE']), declare('plain', plain), declare('gone', join(dir, 'gone.sh'))],
      { SET_ONE: 'x' },
    );
    assert.equal(
      renderRunbookChecks(checks),
      [
        `WARN runbook good: ${good}`,
        '     warning: secret UNSET_ONE is not set in this environment (the script gets it empty)',
        `FAIL runbook plain: ${plain} is not executable (chmod +x it)`,
        `FAIL runbook gone: ${join(dir, 'gone.sh')} does not exist`,
        '',
      ].join('\n'),
    );
    assert.equal(renderRunbookChecks([]), 'runbooks: none configured\n');
  });
});
