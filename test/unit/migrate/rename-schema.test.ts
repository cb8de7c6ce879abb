import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renameSchema } from '../../../src/migrate/rename-schema.js';

describe('renameSchema: qualifiers naming the source schema point at the destination', () => {
  const cases: Array<[string, string]> = [
    ['SELECT COUNT(*) FROM shop.orders', 'SELECT COUNT(*) FROM `shop_copy`.orders'],
    [
      'SELECT * FROM `shop`.`orders` o JOIN `shop` . items i',
      'SELECT * FROM `shop_copy`.`orders` o JOIN `shop_copy` . items i',
    ],
    ['SELECT shop.orders.id FROM shop.orders', 'SELECT `shop_copy`.orders.id FROM `shop_copy`.orders'],
    ['SELECT \'shop.orders\', "shop.x" FROM t', 'SELECT \'shop.orders\', "shop.x" FROM t'],
    ["SELECT 'it''s shop.x', 'a\\'shop.y' FROM shop.t", "SELECT 'it''s shop.x', 'a\\'shop.y' FROM `shop_copy`.t"],
    ['SELECT o.shop FROM orders o', 'SELECT o.shop FROM orders o'],
    ['SELECT t.shop.x FROM t', 'SELECT t.shop.x FROM t'],
    ['SELECT shop FROM t -- shop.x\nWHERE 1 /* shop.y */', 'SELECT shop FROM t -- shop.x\nWHERE 1 /* shop.y */'],
    ['SELECT shopx.a, xshop.b, Shop.c FROM t', 'SELECT shopx.a, xshop.b, Shop.c FROM t'],
    ['SET @shop.x = 1', 'SET @shop.x = 1'],
    ['INSERT INTO `we``ird`.t VALUES (1)', 'INSERT INTO `we``ird`.t VALUES (1)'],
  ];
  for (const [input, want] of cases)
    it(input.replace(/\n/g, ' '), () => assert.equal(renameSchema(input, 'shop', 'shop_copy'), want));

  it('handles names that need quoting on either side', () => {
    assert.equal(renameSchema('SELECT * FROM `we``ird`.t', 'we`ird', 'new db'), 'SELECT * FROM `new db`.t');
    assert.equal(renameSchema('CALL shop.p()', 'shop', 'a`b'), 'CALL `a``b`.p()');
  });
});
