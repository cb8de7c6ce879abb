/**
 * Slack's Socket Mode, locally: `apps.connections.open` (called with the app-level token) hands out
 * a one-time `ws://…/link/?ticket=…` URL on the fake's own port; a connection gets `hello`, then
 * envelopes (`slash_commands`, `interactive`, `events_api`) that the app must ack with
 * `{ envelope_id, payload? }`. `disconnect()` sends Slack's `disconnect` message (the app reconnects
 * through `apps.connections.open`), `dropConnections()` cuts the TCP connections without a word.
 * As on Slack, an Events API envelope that was not acked before its connection went is delivered
 * again on the next connection (`retry_attempt` + 1); a command or a click is not (the user sees
 * an error instead), so `deliver` rejects.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { acceptWebSocket, type WebSocketConnection } from './websocket.js';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Envelope {
  envelope_id: string;
  type: EnvelopeType;
  payload: unknown;
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

/** What the app answered: its ack's payload (a slash command's or a modal's response), if any. */
export interface Ack {
  envelopeId: string;
  payload?: unknown;
  /** Deliveries it took (1 unless a connection went before the ack). */
  attempts: number;
}

export interface FakeSocketModeOptions {
  appId: string;
  /** Server pings this often (Bolt's client drops a connection that hears none for 30 s). */
  pingIntervalMs?: number;
  /** An envelope not acked within this long rejects (Slack gives 3 s; the fake is lenient). */
  ackTimeoutMs?: number;
}

interface Link {
  id: number;
  ws: WebSocketConnection;
}

interface Pending {
  envelope: Envelope;
  link?: Link;
  resolve(ack: Ack): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** Answered as `{ ok: false, error }` by `apps.connections.open`. */
export class SocketModeOpenError extends Error {}

export class FakeSocketMode {
  /** Every envelope sent, each delivery attempt once, in order. */
  readonly sent: Envelope[] = [];
  /** Connections that said hello so far (a reconnect adds one). */
  connectionsOpened = 0;
  private readonly tickets = new Set<string>();
  private readonly links = new Set<Link>();
  private readonly pending = new Map<string, Pending>();
  private readonly events = new EventEmitter();
  private readonly pingTimer: NodeJS.Timeout;
  private seq = 0;

  constructor(private readonly opts: FakeSocketModeOptions) {
    this.events.setMaxListeners(0);
    this.pingTimer = setInterval(() => {
      for (const link of this.links) link.ws.ping(`ping ${Date.now()}`);
    }, opts.pingIntervalMs ?? 10_000);
    this.pingTimer.unref();
  }

  /** `apps.connections.open`: needs an app-level token (xapp-), as Slack does. */
  openUrl(token: string, origin: string): string {
    if (!token.startsWith('xapp-')) throw new SocketModeOpenError('not_allowed_token_type');
    const ticket = randomBytes(12).toString('hex');
    this.tickets.add(ticket);
    return `${origin.replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=${this.opts.appId}`;
  }

  /** The HTTP server's `upgrade` on /link/: a valid one-time ticket gets a connection and `hello`. */
  upgrade(req: IncomingMessage, socket: Duplex): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const ticket = url.searchParams.get('ticket') ?? '';
    if (!url.pathname.startsWith('/link') || !this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    const ws = acceptWebSocket(req, socket);
    if (!ws) return;
    const link: Link = { id: ++this.connectionsOpened, ws };
    this.links.add(link);
    ws.on('message', (text: string) => this.onAck(text));
    ws.on('close', () => this.onGone(link));
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.links.size,
        debug_info: { host: 'fake-socket-mode', approximate_connection_time: 18060 },
        connection_info: { app_id: this.opts.appId },
      }),
    );
    this.events.emit('connection', link);
  }

  /** Open connections now. */
  get connections(): number {
    return [...this.links].filter((l) => l.ws.open).length;
  }

  /** Resolves once the `n`th connection (counting from the first ever) said hello. */
  waitForConnection(n = 1, timeoutMs = 20_000): Promise<void> {
    if (this.connectionsOpened >= n && this.connections > 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off('connection', onConnection);
        reject(new Error(`FakeSocketMode: connection #${n} did not come within ${timeoutMs} ms`));
      }, timeoutMs);
      const onConnection = (link: Link) => {
        if (link.id < n) return;
        clearTimeout(timer);
        this.events.off('connection', onConnection);
        resolve();
      };
      this.events.on('connection', onConnection);
    });
  }

  /** Sends an envelope (waiting for a connection if there is none) and resolves with the app's ack. */
  deliver(type: EnvelopeType, payload: unknown): Promise<Ack> {
    const envelope: Envelope = {
      envelope_id: `${Date.now().toString(16)}-${(++this.seq).toString(16).padStart(4, '0')}-${randomBytes(4).toString('hex')}`,
      type,
      payload,
      accepts_response_payload: type !== 'events_api',
      retry_attempt: 0,
      retry_reason: '',
    };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(envelope.envelope_id, 'not acknowledged in time'), this.ackTimeout());
      timer.unref();
      this.pending.set(envelope.envelope_id, { envelope, resolve, reject, timer });
      void this.send(envelope.envelope_id);
    });
  }

  /** Slack's `disconnect` message on every connection (`refresh_requested`, `warning`, `link_disabled`). */
  disconnect(reason = 'refresh_requested'): void {
    for (const link of this.links) {
      link.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-socket-mode' } }));
    }
  }

  /** Cuts every connection without a close frame, as a network failure does. */
  dropConnections(): void {
    for (const link of this.links) link.ws.terminate();
  }

  close(): void {
    clearInterval(this.pingTimer);
    for (const id of [...this.pending.keys()]) this.fail(id, 'the local Slack closed');
    for (const link of this.links) link.ws.terminate();
    this.links.clear();
  }

  private ackTimeout(): number {
    return this.opts.ackTimeoutMs ?? 30_000;
  }

  private async send(id: string): Promise<void> {
    const entry = this.pending.get(id);
    if (!entry) return;
    const link = [...this.links].reverse().find((l) => l.ws.open) ?? (await this.nextLink());
    if (!this.pending.has(id)) return;
    entry.link = link;
    this.sent.push({ ...entry.envelope });
    link.ws.send(JSON.stringify(entry.envelope));
  }

  private nextLink(): Promise<Link> {
    return new Promise((resolve) => this.events.once('connection', resolve));
  }

  private onAck(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || !('envelope_id' in message)) return;
    const id = String(message.envelope_id);
    const entry = this.pending.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(id);
    const payload = 'payload' in message ? message.payload : undefined;
    entry.resolve({ envelopeId: id, payload, attempts: entry.envelope.retry_attempt + 1 });
  }

  /** A connection went: its unacked Events API envelopes go again on the next one; the rest fail. */
  private onGone(link: Link): void {
    this.links.delete(link);
    for (const [id, entry] of this.pending) {
      if (entry.link !== link) continue;
      if (entry.envelope.type !== 'events_api') {
        this.fail(id, 'the connection closed before the ack');
        continue;
      }
      entry.link = undefined;
      entry.envelope.retry_attempt += 1;
      entry.envelope.retry_reason = 'timeout';
      void this.send(id);
    }
  }

  private fail(id: string, why: string): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(id);
    entry.reject(new Error(`Socket Mode envelope ${id} (${entry.envelope.type}): ${why}`));
  }
}
