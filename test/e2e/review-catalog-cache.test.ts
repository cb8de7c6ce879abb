import assert from 'node:assert/strict';
import { it } from 'node:test';
import { DEV, DEV_CHANNEL, type Harness } from '../support/harness.js';
import { refIn, slash, ticketOf, type ShopFlow, useShopFlow } from '../support/ticket-flow.js';
import { waitUntil } from '../support/wait.js';

let h: Harness;
let reader: ShopFlow['reader'];
const schema = useShopFlow('dbops_rcc', { rows: 0 }, (flow) => ({ h, reader } = flow));

async function review(sql: string): Promise<string> {
  h.api.reset();
  await h.slack.slashCommand({ text: `review test.${schema} ${sql}`, userId: DEV, channelId: DEV_CHANNEL });
  const post = await h.api.waitFor('chat.postMessage', (c) => c.params.channel === DEV_CHANNEL);
  return JSON.stringify(post.params.blocks);
}

it('a review right after a change dbops ran sees the change, though the catalog is cached', async () => {
  const update = "UPDATE orders SET note = 'gift' WHERE id = 1";
  assert.match(await review(update), /Column `note` does not exist/);
  const ref = refIn(
    await slash(h, `exec test.${schema} ALTER TABLE orders ADD COLUMN note VARCHAR(20) NULL COMMENT 'note'`),
  );
  await waitUntil(
    async () => ['succeeded', 'failed'].includes((await ticketOf(reader.store, ref)).state),
    30_000,
    `${ref} to end`,
  );
  assert.equal((await ticketOf(reader.store, ref)).state, 'succeeded');
  assert.doesNotMatch(await review(update), /does not exist/);
});
