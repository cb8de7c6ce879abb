/**
 * The server side of a WebSocket (RFC 6455) on `node:http`'s upgrade, as much as the local Socket
 * Mode server needs: the handshake, text frames both ways (fragmented ones too), ping/pong and the
 * close handshake. Clients mask their frames, the server never does. No extensions are offered, so
 * clients send uncompressed frames.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;
/** A message larger than this closes the connection (1009): the fake only ever sees acks. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** Completes the opening handshake on an `upgrade` request; undefined (and a 400) when it is not one. */
export function acceptWebSocket(req: IncomingMessage, socket: Duplex): WebSocketConnection | undefined {
  const key = req.headers['sec-websocket-key'];
  if (req.headers.upgrade?.toLowerCase() !== 'websocket' || typeof key !== 'string') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return undefined;
  }
  const accept = createHash('sha1')
    .update(key + HANDSHAKE_GUID)
    .digest('base64');
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
  return new WebSocketConnection(socket);
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/**
 * One accepted connection. Events: `message` (text), `ping`, `pong`, `close` (code, reason) once
 * the connection is gone, however it ended.
 */
export class WebSocketConnection extends EventEmitter {
  private buffered = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closeSent = false;
  private ended = false;

  constructor(private readonly socket: Duplex) {
    super();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    // http.Server's sockets allow half-open connections: a client gone without a close frame only ends its half.
    socket.on('end', () => socket.destroy());
    socket.on('close', () => this.finish(1006, 'connection lost'));
    socket.on('error', () => socket.destroy());
  }

  get open(): boolean {
    return !this.ended && !this.closeSent;
  }

  send(text: string): void {
    if (this.open) this.write(OP.text, Buffer.from(text, 'utf8'));
  }

  ping(data = ''): void {
    if (this.open) this.write(OP.ping, Buffer.from(data, 'utf8'));
  }

  /** Starts the close handshake; the socket ends when the client answers, or after `graceMs`. */
  close(code = 1000, reason = '', graceMs = 1000): void {
    if (this.ended || this.closeSent) return;
    this.closeSent = true;
    const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
    payload.writeUInt16BE(code, 0);
    payload.write(reason, 2);
    this.write(OP.close, payload);
    setTimeout(() => this.socket.destroy(), graceMs).unref();
  }

  /** Drops the TCP connection without a close frame, as a network failure would. */
  terminate(): void {
    this.socket.destroy();
  }

  private write(opcode: number, payload: Buffer): void {
    const length = payload.length;
    const header = length < 126 ? Buffer.alloc(2) : length < 0x10000 ? Buffer.alloc(4) : Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    if (length < 126) {
      header[1] = length;
    } else if (length < 0x10000) {
      header[1] = 126;
      header.writeUInt16BE(length, 2);
    } else {
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(length), 2);
    }
    this.socket.write(Buffer.concat([header, payload]));
  }

  private receive(chunk: Buffer): void {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    for (let frame = this.nextFrame(); frame; frame = this.nextFrame()) this.handle(frame);
  }

  /** Takes one complete frame off the buffer, unmasked; undefined until one is complete. */
  private nextFrame(): Frame | undefined {
    const b = this.buffered;
    if (b.length < 2) return undefined;
    const [first = 0, second = 0] = b;
    let length = second & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      length = Number(b.readBigUInt64BE(2));
      offset = 10;
    }
    if (length > MAX_MESSAGE_BYTES) {
      this.close(1009, 'message too big');
      this.buffered = Buffer.alloc(0);
      return undefined;
    }
    const masked = (second & 0x80) !== 0;
    const maskOffset = offset;
    if (masked) offset += 4;
    if (b.length < offset + length) return undefined;
    const payload = Buffer.from(b.subarray(offset, offset + length));
    if (masked)
      for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (b[maskOffset + (i % 4)] ?? 0);
    this.buffered = b.subarray(offset + length);
    return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload };
  }

  private handle(frame: Frame): void {
    switch (frame.opcode) {
      case OP.ping:
        if (!this.ended) this.write(OP.pong, frame.payload);
        this.emit('ping', frame.payload);
        return;
      case OP.pong:
        this.emit('pong', frame.payload);
        return;
      case OP.close:
        this.receivedClose(frame.payload);
        return;
      case OP.text:
      case OP.binary:
      case OP.continuation:
        this.fragments.push(frame.payload);
        if (!frame.fin) return;
        this.emit('message', Buffer.concat(this.fragments).toString('utf8'));
        this.fragments = [];
        return;
      default:
        this.close(1002, 'unknown opcode');
    }
  }

  private receivedClose(payload: Buffer): void {
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    const reason = payload.subarray(2).toString('utf8');
    if (!this.closeSent) {
      this.closeSent = true;
      this.write(OP.close, payload.subarray(0, 2));
    }
    this.socket.end();
    this.finish(code, reason);
  }

  private finish(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('close', code, reason);
  }
}
