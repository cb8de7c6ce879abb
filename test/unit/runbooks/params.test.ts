import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Runbook } from '../../../src/config/runbook-schema.js';
import { type Checked, parseParams, splitWords } from '../../../src/runbooks/params.js';

const clusters = { local: { env: 'test' }, prod: { env: 'prod' } };

const kill = Runbook.parse({
  name: 'kill-user-queries',
  summary: 's',
  run: '/bin/true',
  params: {
    target: { type: 'cluster' },
    user: { type: 'text', pattern: '[A-Za-z0-9_.-]{1,80}' },
    older_than: { type: 'duration', min: '1s', max: '1d', default: '60s' },
    dry_run: { type: 'enum', values: ['no', 'yes'], default: 'no' },
  },
});
const analyze = Runbook.parse({
  name: 'analyze-table',
  summary: 's',
  run: '/bin/true',
  envs: ['test', 'staging'],
  params: { target: { type: 'table' }, sample: { type: 'int', min: 1, max: 100, default: 10 }, note: { type: 'text' } },
});

function parsed(runbook: Runbook, text: string): Checked {
  return parseParams(runbook, splitWords(text), clusters);
}
function values(runbook: Runbook, text: string) {
  const result = parsed(runbook, text);
  assert.ok(result.ok, result.ok ? '' : result.problems.join('\n'));
  return result.params;
}
function problems(runbook: Runbook, text: string): string {
  const result = parsed(runbook, text);
  assert.ok(!result.ok, `expected problems for ${text}`);
  return result.problems.join('\n');
}

describe('runbook params', () => {
  it('splits words on spaces, keeping quoted spaces (straight or Slack’s curly quotes)', () => {
    assert.deepEqual(splitWords(`a  b="c d" 'e f' “g h” x=`), ['a', 'b=c d', 'e f', 'g h', 'x=']);
    assert.deepEqual(splitWords(`note="it's"`), ["note=it's"]);
  });

  it('fills the first params from positional values, the rest by name, defaults for what is missing', () => {
    const p = values(kill, 'local app older_than=5m');
    assert.deepEqual(p.values, { target: 'local', user: 'app', older_than: '300', dry_run: 'no' });
    assert.deepEqual(p.target, { cluster: 'local', schema: null, table: null });
    assert.deepEqual(values(kill, 'user=app target=local dry_run=yes').values.dry_run, 'yes');
    assert.deepEqual(values(analyze, 'local.shop.orders note="a b"').target, {
      cluster: 'local',
      schema: 'shop',
      table: 'orders',
    });
  });

  it('takes shell metacharacters literally in a free text param', () => {
    assert.equal(values(analyze, 'local.shop.orders note="; touch /tmp/pwned"').values.note, '; touch /tmp/pwned');
    assert.equal(values(analyze, 'local.shop.orders note=$(id)`id`|&>').values.note, '$(id)`id`|&>');
  });

  const bad: Array<[string, Runbook, string, RegExp]> = [
    ['a mistyped param name', kill, 'local app olderthan=5m', /has no param `olderthan` — did you mean `older_than`\?/],
    ['a missing param', kill, 'local', /missing `user`: text matching `\[A-Za-z0-9_.-\]\{1,80\}`/],
    [
      'an unknown cluster',
      kill,
      'locl app',
      /cluster `locl` is not in dbops.yml — did you mean `local`\? \(known: local, prod\)/,
    ],
    [
      'a value against its pattern',
      kill,
      'local "app; DROP"',
      /`user`: `app; DROP` does not match; expected text matching/,
    ],
    [
      'a duration that is not one',
      kill,
      'local app older_than=soon',
      /`older_than`: `soon` is not a duration; expected a duration such as 30s, 10m or 2h from 1s to 1d/,
    ],
    ['a duration out of range', kill, 'local app older_than=2d', /`older_than`: 2d is out of range/],
    [
      'an enum value not among them',
      kill,
      'local app dry_run=yse',
      /`dry_run`: `yse` is not one of them \(did you mean `yes`\?\); expected one of `no`, `yes`/,
    ],
    [
      'one value too many',
      kill,
      'local app 60 no extra',
      /`extra` is one value too many \(it takes `target`, `user`, `older_than`, `dry_run`\)/,
    ],
    ['a param given twice', kill, 'local app user=bob', /`user` is given twice/],
    [
      'a table with too few parts',
      analyze,
      'local.orders n',
      /`target`: `local.orders` has 2 parts; expected a table as cluster.schema.table/,
    ],
    ['a table name that needs quoting', analyze, 'local.shop.ord`ers n', /`ord\?ers` is not a plain name/],
    [
      'an int that is not one',
      analyze,
      'local.shop.t sample=1e3 note=x',
      /`sample`: `1e3` is not a whole number; expected a whole number from 1 to 100/,
    ],
    ['an int out of range', analyze, 'local.shop.t sample=0 note=x', /`sample`: 0 is out of range/],
    ['a text with a line break', analyze, 'local.shop.t note="a\nb"', /holds a control character/],
    [
      'a cluster of an environment it may not run in',
      analyze,
      'prod.shop.t note=x',
      /`analyze-table` may run in test, staging only; cluster `prod` is prod/,
    ],
  ];
  for (const [what, runbook, text, expected] of bad) {
    it(`says which param and what it expected: ${what}`, () => {
      assert.match(problems(runbook, text), expected);
    });
  }
});
