import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { emojiFor } from '../../../src/dev/workspace/render/emoji.js';

/** `:word:` in source that is not an emoji: key and name patterns in comments and strings. */
const NOT_EMOJI = new Set(['code', 'dbops', 'emoji', 'grant', 'name']);

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path.endsWith(join('src', 'dev')) ? [] : tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the local workspace renders every emoji dbops says', () => {
  it('every :shortcode: in src/, commands/ and jobs/ has an emoji', () => {
    const used = new Set<string>();
    for (const file of ['src', 'commands', 'jobs'].flatMap((d) => tsFiles(d))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?<![\w:]):([a-z0-9_+-]+):/g)) used.add(m[1]);
    }
    const missing = [...used].filter((name) => !NOT_EMOJI.has(name) && emojiFor(name) === undefined);
    assert.ok(used.size > 20, 'found the shortcodes');
    assert.deepEqual(missing, [], `shown as text in the local workspace: ${missing.join(', ')}`);
  });
});
