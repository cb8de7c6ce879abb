import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyse, importsOf, layerOf, ruleBroken } from '../../../scripts/layers.js';

// Imports that still run against the layering, each to be removed by moving code, never added to.
// A new forbidden import fails here; so does one that is gone but still listed (shrink the list).
const NOT_YET_FIXED: string[] = [];
// The registry (jobs ↔ tickets) and queue ↔ tickets (one layer: kinds name their job type, the
// ticket service hands approved tickets to the queue).
const MAX_FOLDER_LOOPS = 2;
// The registry's (jobs ↔ tickets), db/migrations' and review's own, inventory doctor ↔ topology and
// wiring grants ↔ services.
const MAX_FILE_CYCLES = 5;

describe('the layering: slack → requests → tickets/queue → engines → db/config/kernel', () => {
  const report = analyse(process.cwd());

  it('finds every import form: multi-line, type-only, re-exports, side effects, dynamic', () => {
    const text = [
      "import {\n  a,\n  type B,\n} from './a.js';",
      "import type { C } from '../c.js';",
      "export { d } from './d.js';",
      "export * from './e.js';",
      "import './f.js';",
      "const g = await import('./g.js');",
      'const s = \'from "./not-an-import.js"\';',
    ].join('\n');
    assert.deepEqual(importsOf(text), [
      { specifier: './a.js', line: 4 },
      { specifier: '../c.js', line: 5 },
      { specifier: './d.js', line: 6 },
      { specifier: './e.js', line: 7 },
      { specifier: './f.js', line: 8 },
      { specifier: './g.js', line: 9 },
    ]);
  });

  it('maps folders to layers and says which rule an upward import breaks', () => {
    assert.equal(layerOf('commands/exec.ts'), 'slack');
    assert.equal(layerOf('src/requests/sql-change.ts'), 'requests');
    assert.equal(layerOf('src/queue/queues.ts'), 'core');
    assert.equal(layerOf('src/monitor/poller.ts'), 'engines');
    assert.equal(layerOf('src/db/pools.ts'), 'base');
    assert.equal(layerOf('src/wiring/bot.ts'), 'entry');
    assert.equal(layerOf('jobs/migrate.ts'), 'kinds');
    assert.equal(ruleBroken('src/slack/app.ts', 'src/queue/queues.ts'), undefined);
    assert.equal(ruleBroken('src/wiring/bot.ts', 'src/slack/app.ts'), undefined);
    assert.equal(ruleBroken('jobs/migrate.ts', 'src/migrate/engine.ts'), undefined);
    assert.equal(
      ruleBroken('src/queue/run-end.ts', 'src/slack/notifier.ts'),
      'core must not import slack (src/queue → src/slack)',
    );
    assert.equal(
      ruleBroken('jobs/migrate.ts', 'src/slack/views/migrate.ts'),
      'jobs/ (kinds) must not import slack (src/slack)',
    );
    assert.match(ruleBroken('src/execute/run.ts', 'src/tickets/ticket.ts') ?? '', /engines must not import core/);
    assert.equal(ruleBroken('src/requests/migrate.ts', 'jobs/migrate.ts'), undefined);
    assert.equal(ruleBroken('src/tickets/kind.ts', 'jobs/index.ts'), undefined, 'the registry closes the loop');
    assert.match(ruleBroken('src/tickets/store.ts', 'jobs/migrate.ts') ?? '', /through jobs\/index.ts/);
    assert.match(ruleBroken('src/monitor/worker.ts', 'jobs/monitor.ts') ?? '', /engines must not import kinds/);
  });

  it('has no forbidden import beyond the ones still listed to fix', () => {
    assert.ok(report.files > 300, `read ${report.files} files: is the working directory the repo root?`);
    const found = report.violations.map((v) => `${v.from} → ${v.to}`);
    const added = report.violations.filter((v) => !NOT_YET_FIXED.includes(`${v.from} → ${v.to}`));
    assert.deepEqual(
      added.map((v) => `${v.from}:${v.line} imports ${v.to}: ${v.rule}`),
      [],
      'move the code down a layer or declare a port the upper layer implements',
    );
    assert.deepEqual(
      NOT_YET_FIXED.filter((listed) => !found.includes(listed)),
      [],
      'fixed: remove these from NOT_YET_FIXED',
    );
  });

  it('closes import loops only through registries', () => {
    const loops = report.folderLoops.map((l) => `${l.a} ↔ ${l.b} ${l.aToB}/${l.bToA}`);
    assert.ok(loops.length <= MAX_FOLDER_LOOPS, `folder loops: ${loops.join(', ')}`);
    const cycles = report.fileCycles.map((c) => c.join(' ↔ '));
    assert.ok(cycles.length <= MAX_FILE_CYCLES, `file cycles:\n${cycles.join('\n')}`);
  });
});
