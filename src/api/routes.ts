/**
 * The HTTP API for pipelines, `/api/v1` (JSON in and out, bearer tokens from dbops.yml):
 * POST /reviews (scope review), POST /tickets (scope request: an exec ticket for a mapped Slack
 * user, approved in Slack as usual), GET /tickets/{ref} (either scope), GET /openapi.json (open).
 * Served on the bot's HTTP port beside /slack/events. Tokens are never logged: the log names the caller (the token's name).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ApiScope } from '../config/schema.js';
import { isDbopsError, toError } from '../kernel/errors.js';
import { parseTargetName } from '../inventory/names.js';
import type { Logger } from '../kernel/logger.js';
import { reviewSql } from '../review/engine.js';
import { renderJson } from '../review/render/json.js';
import { rules } from '../review/rules/index.js';
import { resolveRules } from '../review/settings.js';
import type { RequestRoute } from '../slack/app.js';
import type { CommandDeps } from '../slack/command.js';
import { requestSqlChange } from '../requests/sql-change.js';
import type { TicketStore } from '../tickets/store.js';
import type { ApiCaller, ApiTokens } from './auth.js';
import { openApiDocument } from './openapi.js';
import { ticketView } from './ticket-view.js';
import { requestAnswerMessage } from '../slack/views/request-answer.js';

export interface ApiDeps {
  tokens: ApiTokens;
  commands: CommandDeps;
  store: TicketStore;
  logger: Logger;
}

const BODY_LIMIT = 1024 * 1024;

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TargetName = z.string().transform((text, ctx) => {
  const target = parseTargetName(text);
  if (!target || target.table) {
    ctx.addIssue({ code: 'custom', message: `expected cluster.schema (e.g. prod.shop), got '${text.slice(0, 80)}'` });
    return z.NEVER;
  }
  return { cluster: target.cluster, schema: target.schema };
});

export const ReviewBody = z.strictObject({
  sql: z.string().min(1).max(BODY_LIMIT),
  target: TargetName.optional(),
  change: z.boolean().default(false),
});

export const TicketBody = z.strictObject({
  target: TargetName,
  sql: z.string().min(1).max(BODY_LIMIT),
  run_at: z.string().min(1).max(64).optional(),
  on_behalf_of: z
    .string()
    .regex(/^[UW][A-Z0-9]+$/)
    .optional(),
  idempotency_key: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/)
    .optional(),
});

type Handler = (input: { caller: ApiCaller; body: unknown; params: Record<string, string> }) => Promise<unknown>;

export function apiRoutes(deps: ApiDeps): RequestRoute[] {
  const route = (method: 'GET' | 'POST', path: string, scopes: readonly ApiScope[], handle: Handler): RequestRoute => ({
    path,
    method,
    handler: (req, res) => void serve(deps, { method, path, scopes, handle }, req, res),
  });
  return [
    {
      path: '/api/v1/openapi.json',
      method: 'GET',
      handler: (_req, res) => reply(res, 200, openApiDocument()),
    },
    route('POST', '/api/v1/reviews', ['review'], ({ body }) => review(deps, ReviewBody.parse(body))),
    route('POST', '/api/v1/tickets', ['request'], ({ caller, body }) =>
      openTicket(deps, caller, TicketBody.parse(body)),
    ),
    route('GET', '/api/v1/tickets/:ref', ['review', 'request'], ({ params }) => readTicket(deps, params.ref ?? '')),
  ];
}

async function serve(
  deps: ApiDeps,
  r: { method: string; path: string; scopes: readonly ApiScope[]; handle: Handler },
  req: IncomingMessage & { params?: Record<string, string | string[]> },
  res: ServerResponse,
): Promise<void> {
  const caller = deps.tokens.authenticate(req.headers.authorization);
  let status = 500;
  try {
    if (!caller) throw new ApiError(401, 'a valid bearer token is required (Authorization: Bearer …)');
    if (!r.scopes.some((s) => caller.scopes.includes(s)))
      throw new ApiError(
        403,
        `this token's scopes (${caller.scopes.join(', ')}) do not include ${r.scopes.join(' or ')}`,
      );
    const body = r.method === 'POST' ? await readJson(req) : undefined;
    const params = Object.fromEntries(Object.entries(req.params ?? {}).map(([k, v]) => [k, String(v)]));
    const { status: ok, body: out } = await wrap(r.handle({ caller, body, params }));
    status = ok;
    reply(res, ok, out);
  } catch (err) {
    const failure = toFailure(err);
    status = failure.status;
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    if (status >= 500) deps.logger.error('API request failed', toError(err));
    reply(res, status, { error: failure.message });
  } finally {
    deps.logger.info('API request', { method: r.method, route: r.path, caller: caller?.name ?? null, status });
  }
}

async function wrap(result: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const body = await result;
  if (
    typeof body === 'object' &&
    body !== null &&
    'status' in body &&
    'body' in body &&
    typeof body.status === 'number'
  )
    return { status: body.status, body: body.body };
  return { status: 200, body };
}

function toFailure(err: unknown): { status: number; message: string } {
  if (err instanceof ApiError) return { status: err.status, message: err.message };
  if (err instanceof z.ZodError)
    return {
      status: 400,
      message: err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
    };
  if (isDbopsError(err)) {
    const status = err.code === 'not_found' ? 404 : err.code === 'forbidden' ? 403 : err.code === 'usage' ? 400 : 503;
    return { status, message: err.message };
  }
  return { status: 500, message: 'dbops could not answer; the error is in its log' };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!req.headers['content-type']?.includes('application/json'))
    throw new ApiError(415, 'send the body as JSON (Content-Type: application/json)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > BODY_LIMIT) throw new ApiError(413, `the body is larger than ${BODY_LIMIT} bytes`);
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError(400, 'the body is not valid JSON');
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** The CLI's JSON report (the contract in ARCHITECTURE.md); with a target, against the live schema. */
async function review(deps: ApiDeps, body: z.infer<typeof ReviewBody>): Promise<unknown> {
  const purpose = body.change ? 'change' : 'review';
  const report = body.target
    ? await deps.commands.reviewer.review({ sql: body.sql, target: body.target, purpose })
    : await reviewSql(body.sql, { rules: resolveRules(rules, deps.commands.config.review), purpose });
  return JSON.parse(renderJson(report));
}

/**
 * The same use-case as `/dbops exec`: the review, the ticket, the approval message to the DBAs. The
 * ticket is the mapped Slack user's; a repeat with the same idempotency key returns the same ticket.
 */
async function openTicket(deps: ApiDeps, caller: ApiCaller, body: z.infer<typeof TicketBody>) {
  const user = body.on_behalf_of ?? caller.users[0];
  if (!user || !caller.users.includes(user))
    throw new ApiError(403, `this token may not open tickets for ${user ?? 'anyone'} (see api.tokens[].users)`);
  const sourceKey = `api:${caller.name}:${body.idempotency_key ?? randomUUID()}`;
  const message = requestAnswerMessage(
    await requestSqlChange({ user, target: body.target, sql: body.sql, runAt: body.run_at, sourceKey }, deps.commands),
  );
  const ticket = await deps.store.getBySourceKey(sourceKey);
  if (!ticket) throw new ApiError(422, message.text);
  return { status: 201, body: { ticket: ticketView(ticket), message: message.text } };
}

async function readTicket(deps: ApiDeps, ref: string): Promise<unknown> {
  const match = /^(?:T-)?(\d{1,18})$/i.exec(ref);
  const ticket = match ? await deps.store.get(Number(match[1])) : null;
  if (!ticket) throw new ApiError(404, `no ticket ${ref.slice(0, 40)}`);
  return { ticket: ticketView(ticket) };
}
