/**
 * The local workspace's web server (node:http, 127.0.0.1 only): the page (public/), a JSON snapshot
 * of the workspace as one person sees it (GET /api/state?user=U…), a Server-Sent Events feed that says
 * when it changed (GET /api/stream), and the endpoints the page calls to act as a person (POST
 * /api/command, /api/message, /api/click, /api/submit, /api/close, /api/home).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { FakeSlackApi } from '../fake-slack-api.js';
import type { SlackRequestSender } from '../signed-requests.js';
import { WorkspaceActions, type Outcome } from './actions.js';
import { workspaceState, type Person } from './state.js';
import { messageOf } from '../../kernel/errors.js';

export interface WorkspaceServerOptions {
  api: FakeSlackApi;
  sender: SlackRequestSender;
  /** The people the page can act as, the first being the default. */
  people: readonly Person[];
  /** A line under a channel's name ("approval requests are posted here"). */
  purposes?: Readonly<Record<string, string>>;
}

const PUBLIC_DIR = new URL('./public/', import.meta.url);
/** tsc does not copy the page: run from a build (dist/src/…), it is read from the sources. */
const SOURCE_PUBLIC_DIR = new URL('../../../../src/dev/workspace/public/', import.meta.url);
const STATIC: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
  '/favicon.svg': 'favicon.svg',
};
const TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};
/** The page runs only its own script and styles: even a rendering bug cannot run a message's text. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};
const MAX_BODY = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

const UserId = z.string().regex(/^[UW][A-Z0-9]+$/);
const ChannelId = z.string().regex(/^[CDG][A-Z0-9]+$/);
const Ts = z.string().regex(/^\d+\.\d+$/);
const Values = z.record(z.string(), z.record(z.string(), z.record(z.string(), z.unknown())));
const Bodies = {
  command: z.object({ user: UserId, channel: ChannelId, text: z.string().min(1).max(40_000) }),
  message: z.object({
    user: UserId,
    channel: ChannelId,
    text: z.string().max(40_000),
    threadTs: Ts.optional(),
    file: z.object({ name: z.string().min(1).max(200), content: z.string().max(MAX_BODY) }).optional(),
  }),
  click: z.object({
    user: UserId,
    actionId: z.string().max(255),
    blockId: z.string().max(255),
    value: z.string().max(2000),
    channel: ChannelId.optional(),
    ts: Ts.optional(),
    viewId: z.string().max(64).optional(),
    values: Values.optional(),
  }),
  submit: z.object({ user: UserId, viewId: z.string().max(64), values: Values }),
  close: z.object({ user: UserId, viewId: z.string().max(64) }),
  home: z.object({ user: UserId }),
};

export class WorkspaceServer {
  private server?: Server;
  private port = 0;
  private version = 0;
  /** Each open stream and the last version it was told, so no stream hears a version twice. */
  private readonly streams = new Map<ServerResponse, number>();
  private readonly actions: WorkspaceActions;
  private unsubscribe?: () => void;
  private heartbeat?: NodeJS.Timeout;
  private pending?: NodeJS.Timeout;

  constructor(private readonly opts: WorkspaceServerOptions) {
    if (opts.people.length === 0) throw new Error('the workspace needs at least one person to act as');
    this.actions = new WorkspaceActions(opts.api, opts.sender);
  }

  async start(port = 0): Promise<void> {
    const server = createServer((req, res) => {
      this.serve(req, res).catch((err: unknown) => {
        if (!res.headersSent) json(res, 500, { ok: false, error: messageOf(err) });
        else res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.unsubscribe = this.opts.api.onChange(() => this.changed());
    this.heartbeat = setInterval(() => {
      for (const s of this.streams.keys()) s.write(': ping\n\n');
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    clearInterval(this.heartbeat);
    clearTimeout(this.pending);
    for (const s of this.streams.keys()) s.end();
    this.streams.clear();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** `http://127.0.0.1:PORT/` */
  get url(): string {
    if (!this.server) throw new Error('WorkspaceServer is not started');
    return `http://127.0.0.1:${this.port}/`;
  }

  /** Coalesce bursts of changes (a job's progress edits) into one notice per tick. */
  private changed(): void {
    this.version += 1;
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.broadcast();
    }, 30);
  }

  /** A stream opened between a change and its notice already holds that version: it is not told again. */
  private broadcast(): void {
    for (const [s, told] of this.streams) {
      if (told >= this.version) continue;
      s.write(`data: ${this.version}\n\n`);
      this.streams.set(s, this.version);
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://workspace');
    if (req.method === 'GET') {
      const file = STATIC[url.pathname];
      if (file) return this.serveStatic(file, res);
      if (url.pathname === '/api/state') return this.serveState(url, res);
      if (url.pathname === '/api/stream') return this.serveStream(req, res);
      return json(res, 404, { ok: false, error: 'not found' });
    }
    if (req.method !== 'POST' || !url.pathname.startsWith('/api/'))
      return json(res, 405, { ok: false, error: 'method not allowed' });
    // Only the page itself may act: JSON bodies (a cross-site form cannot send one) from our own origin.
    if (!req.headers['content-type']?.startsWith('application/json'))
      return json(res, 415, { ok: false, error: 'send JSON' });
    const origin = req.headers.origin;
    if (origin && origin !== this.url.replace(/\/$/, ''))
      return json(res, 403, { ok: false, error: 'cross-origin request refused' });
    const body = await readJson(req);
    const outcome = await this.act(url.pathname.slice('/api/'.length), body);
    // Field errors from a response_action are a normal answer, not a failed request.
    return json(res, outcome.ok || outcome.errors ? 200 : 400, outcome);
  }

  private async act(what: string, body: unknown): Promise<Outcome> {
    const people = new Set(this.opts.people.map((p) => p.id));
    const check = <T extends { user: string }>(schema: z.ZodType<T>): T | string => {
      const parsed = schema.safeParse(body);
      if (!parsed.success)
        return `bad request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`;
      if (!people.has(parsed.data.user)) return `${parsed.data.user} is not someone you can act as here`;
      return parsed.data;
    };
    const run = async <T extends { user: string }>(
      schema: z.ZodType<T>,
      go: (input: T) => Promise<Outcome> | Outcome,
    ): Promise<Outcome> => {
      const input = check(schema);
      return typeof input === 'string' ? { ok: false, error: input } : go(input);
    };
    switch (what) {
      case 'command':
        return run(Bodies.command, (i) => this.actions.command(i));
      case 'message':
        return run(Bodies.message, (i) => this.actions.message(i));
      case 'click':
        return run(Bodies.click, (i) => this.actions.click(i));
      case 'submit':
        return run(Bodies.submit, (i) => this.actions.submit(i));
      case 'close':
        return run(Bodies.close, (i) => this.actions.close(i.user, i.viewId));
      case 'home':
        return run(Bodies.home, (i) => this.actions.openHome(i.user));
      default:
        return { ok: false, error: `no action ${what}` };
    }
  }

  private serveState(url: URL, res: ServerResponse): void {
    const asked = url.searchParams.get('user') ?? '';
    const me = this.opts.people.some((p) => p.id === asked) ? asked : this.opts.people[0].id;
    json(
      res,
      200,
      workspaceState({
        api: this.opts.api,
        people: this.opts.people,
        me,
        version: this.version,
        purposes: this.opts.purposes,
      }),
    );
  }

  private serveStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      ...SECURITY_HEADERS,
    });
    res.write(`retry: 1000\ndata: ${this.version}\n\n`);
    this.streams.set(res, this.version);
    req.on('close', () => this.streams.delete(res));
  }

  private async serveStatic(file: string, res: ServerResponse): Promise<void> {
    const body = await readFile(new URL(file, PUBLIC_DIR)).catch(() => readFile(new URL(file, SOURCE_PUBLIC_DIR)));
    res.writeHead(200, {
      'content-type': TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream',
      ...SECURITY_HEADERS,
    });
    res.end(body);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > MAX_BODY) throw new Error('request body over 4 MB');
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
