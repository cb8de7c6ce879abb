import assert from 'node:assert/strict';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { feedGate, LoadFeed } from '../../../src/migrate/load-feed.js';

/** Listen as mysql2 does: data, end and error listeners, attached one after the other. */
function listen(feed: LoadFeed): { blocks: Buffer[]; ended: Promise<unknown[]> } {
  const blocks: Buffer[] = [];
  feed.on('data', (block: Buffer) => blocks.push(Buffer.from(block)));
  const ended = once(feed, 'end');
  feed.on('error', () => undefined);
  return { blocks, ended };
}

describe('LOAD DATA feed', () => {
  it('keeps copies of what is written before mysql2 listens, and hands them on in order, then the end', async () => {
    const feed = new LoadFeed();
    const reused = Buffer.from('aaaa');
    feed.write(reused);
    reused.fill(0x62);
    feed.write(reused);
    feed.end();
    assert.equal(feed.backlog, 8);
    const { blocks, ended } = listen(feed);
    await ended;
    assert.deepEqual(blocks.map(String), ['aaaa', 'bbbb']);
    assert.equal(feed.backlog, 0);
  });

  it('hands a block to a listening mysql2 at once, the very bytes, with nothing kept', () => {
    const feed = new LoadFeed();
    const seen: Buffer[] = [];
    feed.on('data', (block: Buffer) => seen.push(block));
    const block = Buffer.from('line\n');
    feed.write(block);
    assert.equal(seen[0], block);
    assert.equal(feed.backlog, 0);
  });

  it('queues while paused and says drain once resumed and emptied; the gate holds the reader meanwhile', async () => {
    const feed = new LoadFeed();
    const { blocks } = listen(feed);
    feed.pause();
    feed.write(Buffer.from('12345'));
    const gate = feedGate(feed, null, 4, 0);
    assert.equal(gate.blocked(), true);
    const opened = new Promise<void>((resolve) => gate.onOpen(resolve));
    feed.resume();
    await opened;
    assert.equal(gate.blocked(), false);
    assert.deepEqual(blocks.map(String), ['12345']);
  });

  it('hands on nothing more once stopped', async () => {
    const feed = new LoadFeed();
    feed.write(Buffer.from('queued'));
    feed.stop();
    feed.write(Buffer.from('late'));
    feed.end();
    const { blocks } = listen(feed);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(blocks, []);
    assert.equal(feed.listenerCount('end'), 1);
  });
});
