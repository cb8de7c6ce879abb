import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGrantText } from '../../../src/accounts/parse.js';

describe('parseGrantText: what /dbops grant reads', () => {
  const ok = [
    {
      text: 'prod.shop SELECT',
      want: {
        cluster: 'prod',
        schema: 'shop',
        table: null,
        privileges: ['SELECT'],
        account: null,
        durationSeconds: null,
        reason: null,
      },
    },
    {
      text: `prod.shop.orders select, show view,INSERT to app_ro@'10.0.%' for 8h because "monthly report"`,
      want: {
        cluster: 'prod',
        schema: 'shop',
        table: 'orders',
        privileges: ['SELECT', 'INSERT', 'SHOW VIEW'],
        account: { user: 'app_ro', host: '10.0.%' },
        durationSeconds: 8 * 3600,
        reason: 'monthly report',
      },
    },
    {
      text: 'test.* PROCESS for 7d',
      want: {
        cluster: 'test',
        schema: null,
        table: null,
        privileges: ['PROCESS'],
        account: null,
        durationSeconds: 7 * 86400,
        reason: null,
      },
    },
    {
      text: "test.shop.* ALL PRIVILEGES to 'etl'@'%' because backfill",
      want: {
        cluster: 'test',
        schema: 'shop',
        table: null,
        privileges: ['ALL'],
        account: { user: 'etl', host: '%' },
        durationSeconds: null,
        reason: 'backfill',
      },
    },
  ];
  for (const { text, want } of ok)
    it(`reads ${text}`, () => {
      const parsed = parseGrantText(text);
      assert.ok(parsed.ok, JSON.stringify(parsed));
      assert.deepEqual(parsed.request, want);
    });

  const bad: Array<{ text: string; says: RegExp }> = [
    { text: '', says: /say what to grant/ },
    { text: 'prod SELECT', says: /`prod` is not a scope/ },
    { text: 'prod.shop', says: /say which privileges/ },
    { text: 'prod.shop SELEKT', says: /`SELEKT` is not a privilege MySQL knows \(did you mean SELECT\?\)/ },
    { text: 'prod.shop SELECT to app', says: /`app` is not an account: write it as user@'host'/ },
    { text: "prod.shop SELECT to app@'10.0.%'';", says: /is not an account|host .* is not allowed/ },
    { text: "prod.shop SELECT to a'b@'%'", says: /is not an account|user name/ },
    { text: 'prod.shop SELECT for ever', says: /`ever` is not a duration dbops can read/ },
    { text: 'prod.shop SELECT for 0h', says: /`0h` is not a duration/ },
    {
      text: 'prod.shop PROCESS',
      says: /PROCESS is a global privilege: MySQL grants it only on every schema \(prod\.\*\)/,
    },
    { text: 'prod.shop.orders EXECUTE', says: /EXECUTE applies to a whole schema, not one table: ask for prod\.shop/ },
    { text: 'prod.sh`op SELECT', says: /schema name .* dbops does not accept/ },
  ];
  for (const { text, says } of bad)
    it(`refuses ${JSON.stringify(text)}`, () => {
      const parsed = parseGrantText(text);
      assert.equal(parsed.ok, false);
      assert.ok(!parsed.ok);
      assert.match(parsed.problems.join('\n'), says);
    });

  it('lists every problem at once', () => {
    const parsed = parseGrantText('prod.shop SELEKT to nobody for soon');
    assert.ok(!parsed.ok);
    assert.equal(parsed.problems.length, 3);
  });
});
