import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { it } from 'node:test';
import { migrations } from '../../../src/db/migrations/index.js';

it('lists every migration file once, with the version its file name carries, in order', () => {
  const dir = new URL('../../../src/db/migrations/', import.meta.url);
  const onDisk = readdirSync(dir)
    .filter((f) => /^\d{3}-.+\.ts$/.test(f))
    .map((f) => Number(f.slice(0, 3)))
    .sort((a, b) => a - b);
  assert.deepEqual(
    migrations.map((m) => m.version),
    onDisk,
  );
  assert.equal(new Set(onDisk).size, onDisk.length, 'two migrations share a version');
});
