import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MigrateArgs } from '../../../commands/migrate.js';

const route = { source: { cluster: 'prod', schema: 'shop' }, destination: { cluster: 'test', schema: 'shop' } };
const defaults = { ...route, tables: [], where: null, mode: 'fail', objects: [] };

describe('/dbops migrate arguments', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['prod.shop→test.shop', defaults],
    ['prod.shop->test.shop', defaults],
    ['prod.shop -> test.shop', defaults],
    ['prod.shop to test.shop', defaults],
    ['prod.shop  →  test.shop mode replace', { ...defaults, mode: 'replace' }],
    ['prod.shop→test.shop tables orders,items', { ...defaults, tables: ['orders', 'items'] }],
    [
      'prod.shop→test.shop tables orders, items mode append',
      { ...defaults, tables: ['orders', 'items'], mode: 'append' },
    ],
    ['prod.shop.orders→test.shop', { ...defaults, tables: ['orders'] }],
    [
      `prod.shop→test.shop where "created_at >= '2025-01-01'" tables orders`,
      { ...defaults, where: "created_at >= '2025-01-01'", tables: ['orders'] },
    ],
    ['prod.shop→test.shop where “status = 1” mode replace', { ...defaults, where: 'status = 1', mode: 'replace' }],
    [`prod.shop→test.shop where 'note = ''x'''`, { ...defaults, where: "note = 'x'" }],
    ['prod.shop→test.shop where "a > 1"', { ...defaults, where: 'a > 1' }],
    // Slack's escapes are undone once, where the command comes in: what is left is what was typed.
    ['prod.shop→test.shop where "note = \'&lt;\'"', { ...defaults, where: "note = '&lt;'" }],
    ['prod.shop→test.shop with views,triggers,routines', { ...defaults, objects: ['views', 'triggers', 'routines'] }],
    ['prod.shop→test.shop with view procedures', { ...defaults, objects: ['views', 'routines'] }],
    ['prod.shop→test.shop mode replace at 02:00', { ...defaults, mode: 'replace', runAt: 'at 02:00' }],
    ['prod.shop→test.shop tonight', { ...defaults, runAt: 'tonight' }],
    [
      'prod.shop→test.shop_copy tables orders at tomorrow 01:30',
      {
        ...defaults,
        destination: { cluster: 'test', schema: 'shop_copy' },
        tables: ['orders'],
        runAt: 'at tomorrow 01:30',
      },
    ],
  ];
  for (const [text, want] of cases) {
    it(`reads: ${text}`, () => {
      const parsed = MigrateArgs.safeParse(text);
      assert.ok(parsed.success, parsed.success ? '' : parsed.error.issues.map((i) => i.message).join('; '));
      assert.deepEqual(parsed.data, want);
    });
  }

  const wrong: Array<[string, RegExp]> = [
    ['', /start with the source and the destination/],
    ['prod.shop', /start with the source and the destination/],
    ['prod→test.shop', /cluster\.schema/],
    ['prod.shop→test.shop.orders', /destination is a schema/],
    ['prod.shop→test.shop mode overwrite', /mode.*replace, append, fail.*overwrite/],
    ['prod.shop→test.shop where created_at > 1', /in quotes/],
    ['prod.shop→test.shop where ""', /empty/],
    ['prod.shop→test.shop tables', /needs table names/],
    ['prod.shop→test.shop with events', /views, triggers, routines, not `events`/],
    ['prod.shop→test.shop please', /don't understand `please`/],
    ['prod.shop.orders→test.shop tables items', /either in the source/],
  ];
  for (const [text, why] of wrong) {
    it(`refuses: ${text || '(nothing)'}`, () => {
      const parsed = MigrateArgs.safeParse(text);
      assert.equal(parsed.success, false);
      assert.match(parsed.error?.issues.map((i) => i.message).join('; ') ?? '', why);
    });
  }
});
