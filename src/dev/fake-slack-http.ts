/** HTTP and value helpers of the local Slack Web API (`fake-slack-api.ts`): body parsing, replies, faults. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type JsonObject = { [key: string]: unknown };
export type Fault =
  | { kind: 'ratelimit'; retryAfterSeconds: number }
  | { kind: 'error'; error: string }
  | { kind: 'http'; status: number };
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Params Slack takes as JSON inside form bodies. */
const JSON_PARAMS = new Set(['blocks', 'attachments', 'view', 'files', 'metadata']);

export function compact(o: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
export function arr(v: unknown): unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}
export function obj(v: unknown): JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v } : {};
}
export function bearer(header: string | undefined): string | undefined {
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** Form bodies carry JSON-valued params (blocks, view, …) as strings; decode those back. */
export function parseParams(raw: Buffer, contentType: string | undefined): JsonObject {
  const text = raw.toString('utf8');
  if (text === '') return {};
  if (contentType?.includes('application/json')) return obj(JSON.parse(text));
  const params: JsonObject = {};
  for (const [key, value] of new URLSearchParams(text)) {
    params[key] = JSON_PARAMS.has(key) ? tryJson(value) : value;
  }
  return params;
}
export function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Slack takes the file as raw bytes or multipart (WebClient sends multipart, field `body`). */
export async function parseUpload(
  raw: Buffer,
  contentType: string | undefined,
): Promise<{ bytes: Buffer; filename?: string; mimetype?: string }> {
  if (!contentType?.startsWith('multipart/form-data')) return { bytes: raw, mimetype: contentType };
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  for (const value of form.values()) {
    if (typeof value !== 'string') {
      return { bytes: Buffer.from(await value.arrayBuffer()), filename: value.name, mimetype: value.type || undefined };
    }
  }
  return { bytes: Buffer.alloc(0) };
}

export function faultReply(fault: Fault): Reply {
  if (fault.kind === 'ratelimit') {
    return {
      status: 429,
      body: { ok: false, error: 'ratelimited' },
      headers: { 'Retry-After': String(fault.retryAfterSeconds) },
    };
  }
  if (fault.kind === 'error') return { status: 200, body: { ok: false, error: fault.error } };
  return { status: fault.status, body: `injected HTTP ${fault.status}` };
}

export function send(res: ServerResponse, reply: Reply): void {
  const isText = typeof reply.body === 'string';
  res.writeHead(reply.status, {
    'Content-Type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    ...reply.headers,
  });
  res.end(isText ? reply.body : JSON.stringify(reply.body));
}

export function tzOffsetSeconds(tz: string, at = new Date()): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60;
  return m[1] === '-' ? -seconds : seconds;
}
