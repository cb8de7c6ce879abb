import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

const FILES = ['src', 'commands', 'jobs'].flatMap(sources);

describe('the wiring owns what a process shares', () => {
  it('keeps no service in a module-level variable (services come from src/wiring, by argument)', () => {
    const found = FILES.flatMap((file) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => (/^(export\s+)?(let|var)\s/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    assert.deepEqual(found, []);
  });

  it('lets only the dev wiring import the local Slack API and workspace (src/dev/)', () => {
    const importsDev = /\b(from|import)\s*\(?\s*'(\.\.?\/)+(src\/)?dev\//;
    const importers = FILES.filter((f) => !f.startsWith('src/dev/')).filter((f) =>
      importsDev.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    assert.deepEqual(importers, ['src/wiring/dev.ts']);
  });
});
