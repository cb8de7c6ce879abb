import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeOscLeftovers, oscCleanupPlan, type OscLeftovers } from '../../../src/execute/osc-leftovers.js';
import { InterruptedStepError } from '../../../src/queue/errors.js';
import { ids } from '../../../src/slack/ids.js';
import { oscCleanedUpMessage, oscLeftoversMessage } from '../../../src/slack/views/execution.js';

const table = { schema: 'shop', name: 'items' };
const triggers = ['del', 'ins', 'upd'].map((e) => ({ name: `pt_osc_shop_items_${e}`, on: 'items' }));
const copying: OscLeftovers = { table, triggers, newTable: { name: '_items_new', rows: 1_234_567 }, oldTable: null };

describe('what an interrupted online ALTER left', () => {
  it('says exactly what is on the table and what it does meanwhile', () => {
    assert.equal(
      describeOscLeftovers(copying),
      'pt-online-schema-change left on shop.items: triggers pt_osc_shop_items_del, pt_osc_shop_items_ins, pt_osc_shop_items_upd and table _items_new (about 1.2 M rows). Writes to items are doubled into _items_new until this is cleaned up.',
    );
    assert.match(
      describeOscLeftovers({ ...copying, newTable: null }),
      /triggers .* Writes to items fail while its triggers point at a table that is not there/,
    );
    assert.match(
      describeOscLeftovers({ ...copying, newTable: { name: '_items_new', rows: 1 } }),
      /table _items_new \(about 1 row\)/,
    );
  });
  it('after the swap: the triggers on _<table>_old, which Clean up keeps', () => {
    const swapped: OscLeftovers = {
      table,
      triggers: triggers.map((t) => ({ ...t, on: '_items_old' })),
      newTable: null,
      oldTable: { name: '_items_old', rows: 20_000 },
    };
    assert.match(
      describeOscLeftovers(swapped),
      /triggers pt_osc_shop_items_del \(on _items_old\), .* and table _items_old \(about 20,000 rows\)\. _items_old is the table as it was before the ALTER .* Clean up keeps it/,
    );
    assert.deepEqual(
      oscCleanupPlan(swapped),
      triggers.map((t) => `trigger ${t.name}`),
    );
  });
  it('Clean up drops the triggers first, then the copy', () => {
    assert.deepEqual(oscCleanupPlan(copying), [...triggers.map((t) => `trigger ${t.name}`), 'table _items_new']);
  });
  it('goes into the failure of the interrupted step', () => {
    const err = new InterruptedStepError('statement-1', 'T-42', describeOscLeftovers(copying));
    assert.match(
      err.message,
      /^step “statement-1” of T-42 was interrupted .*: pt-online-schema-change left on shop\.items: /,
    );
    assert.doesNotMatch(err.message, /may or may not have taken effect/);
    assert.match(new InterruptedStepError('statement-1', 'T-42').message, /may or may not have taken effect/);
  });
});

describe('the leftovers message', () => {
  it('offers Clean up with a confirmation naming what it drops, in order', () => {
    const message = oscLeftoversMessage({ id: 42, ref: 'T-42' }, 1, copying);
    assert.match(message.text, /^T-42: pt-online-schema-change left on shop\.items/);
    const actions = message.blocks.find((b) => b.type === 'actions');
    assert.ok(actions && actions.type === 'actions');
    const [button] = actions.elements;
    assert.ok(button.type === 'button');
    assert.equal(button.action_id, ids.executionActions.cleanUp);
    assert.equal(button.value, 'T-42/1');
    assert.equal(button.style, 'danger');
    const confirm = button.confirm?.text?.text ?? '';
    assert.match(
      confirm,
      /Drop, in this order, on `shop`: `trigger pt_osc_shop_items_del`, `trigger pt_osc_shop_items_ins`, `trigger pt_osc_shop_items_upd`, `table _items_new`\. `items` itself is not touched\./,
    );
  });
  it('loses the button once cleaned up, and the reply says what was dropped', () => {
    const done = oscLeftoversMessage({ id: 42, ref: 'T-42' }, 1, copying, 'U0DBA00001');
    assert.ok(!done.blocks.some((b) => b.type === 'actions'));
    assert.match(JSON.stringify(done.blocks), /Cleaned up by <@U0DBA00001>/);
    assert.equal(
      oscCleanedUpMessage({ ref: 'T-42' }, 'U0DBA00001', copying, table).text,
      ':broom: <@U0DBA00001> cleaned up what pt-online-schema-change left on shop.items for T-42: dropped trigger pt_osc_shop_items_del, then trigger pt_osc_shop_items_ins, then trigger pt_osc_shop_items_upd, then table _items_new.',
    );
    assert.match(
      oscCleanedUpMessage({ ref: 'T-42' }, 'U0DBA00001', null, table).text,
      /nothing was left to drop any more/,
    );
  });
});
