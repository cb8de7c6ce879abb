import { Readable, type Writable } from 'node:stream';
import type { Gate } from './connections.js';

/**
 * One chunk's LOAD DATA LOCAL input, as mysql2 reads it: the stream its `infileStreamFactory`
 * returns, of which it uses `data`/`end`/`error` listeners and `pause`/`resume`. While mysql2
 * listens, a written block goes straight to its `data` listener, which copies it into a packet at
 * once — so the block may be memory its writer reuses as soon as `write` returns (the row codec's),
 * and nothing is allocated here. Until mysql2 listens (the server asks for the file only after the
 * statement reached it), or while it has paused the feed, blocks are copied and queued; `backlog`
 * tells how many bytes wait, and `drain` says when none do.
 *
 * It is a Readable for mysql2's types, but nothing is ever pushed into it: its `data` events are
 * emitted here, and `pause`/`resume` are its own.
 *
 * If mysql2 ever kept a block instead of copying it, the rows it sends would change under it and
 * the chunk's checksum (the source's bytes, the destination's rows) would fail the chunk.
 */
export class LoadFeed extends Readable {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private drainScheduled = false;
  private held = false;
  private ending = false;
  private ended = false;
  private stopped = false;

  constructor() {
    super({ read: () => undefined });
    // mysql2 listens once the server asks for the file: what waits goes to it then.
    this.on('newListener', (event) => {
      if (event === 'data' || event === 'end') this.scheduleDrain();
    });
  }

  /** Bytes written but not yet handed to mysql2. */
  get backlog(): number {
    return this.queued;
  }

  private get flowing(): boolean {
    return !this.held && !this.stopped && this.listenerCount('data') > 0;
  }

  write(block: Buffer): void {
    if (this.stopped || this.ending) return;
    if (this.flowing && this.queued === 0) {
      this.emit('data', block);
      return;
    }
    this.queue.push(Buffer.from(block));
    this.queued += block.length;
    this.scheduleDrain();
  }

  end(): void {
    if (this.stopped || this.ending) return;
    this.ending = true;
    this.scheduleDrain();
  }

  override pause(): this {
    this.held = true;
    return this;
  }

  override resume(): this {
    this.held = false;
    this.scheduleDrain();
    return this;
  }

  /** Stop: nothing more is handed on (the load failed, or the copy stops). */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.queued = 0;
  }

  /** mysql2 attaches its listeners one after the other: hand on what waits once it has them all. */
  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.flowing && this.queue.length > 0) {
      const block = this.queue.shift();
      if (!block) break;
      this.queued -= block.length;
      this.emit('data', block);
    }
    if (this.queue.length === 0 && !this.stopped) {
      this.emit('drain');
      if (this.ending && !this.ended && this.listenerCount('end') > 0) {
        this.ended = true;
        this.emit('end');
      }
    }
  }
}

/**
 * When the reader feeding `feed` must wait: more than `queueBytes` wait in the feed, or the socket
 * (mysql2 writes LOAD DATA input to it without waiting for it to drain) holds more than `backlog`.
 */
export function feedGate(feed: LoadFeed, socket: Writable | null, queueBytes: number, backlog: number): Gate {
  const socketFull = () => socket !== null && socket.writableLength > backlog;
  return {
    blocked: () => feed.backlog > queueBytes || socketFull(),
    onOpen: (resume) => {
      if (socket !== null && socketFull()) socket.once('drain', resume);
      else feed.once('drain', resume);
    },
  };
}
