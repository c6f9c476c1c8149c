/**
 * The four steps every webhook intake takes (DESIGN §5): read the raw body; verify it (401, nothing stored);
 * parse and normalise (400); store once in the inbox (a duplicate is a 200 with no second effect) and answer at once.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { HubEnv } from '../src/http/hub-env.js';
import { errorResponse } from '../src/http/errors.js';
import { AppError } from '../src/lib/errors.js';

export const WEBHOOK_BODY_LIMIT = 256 * 1024;

export interface WebhookRequest {
  method: string;
  /** The path as the caller signed it (SNAP BI signs METHOD:path:…), without the query string. */
  path: string;
  params: Record<string, string>;
  raw: string;
  headers: Headers;
  /** The body read as the intake's `body` format says; undefined when it did not parse. */
  parsed: unknown;
}

/** What every stored event carries: a key unique per provider (the inbox's dedupe) and, optionally, what it is about. */
export interface IntakeEvent {
  eventKey: string;
  orderId?: string;
}

export interface AcknowledgeInput<Event extends IntakeEvent> {
  event: Event;
  duplicate: boolean;
  eventId: string;
}

/**
 * One provider's webhook: where it arrives, how its body is read and verified, how it becomes an inbox event, and
 * how the provider wants to be answered. The four steps themselves are the same for every provider (handleIntake).
 */
export interface WebhookIntake<Event extends IntakeEvent = IntakeEvent> {
  provider: string;
  /** The inbox handler that applies it (a module's inboxHandlers key). */
  kind: string;
  method?: 'POST' | 'PUT';
  /** Hono path, parameters allowed: '/webhooks/bank/:bank'. */
  path: string;
  /** How the raw body is read before verification: JSON (default), an HTML form (Slack), or left as text. */
  body?: 'json' | 'form' | 'text';
  /** Constant-time check of the raw request. */
  verify(request: WebhookRequest): boolean;
  /** Throws AppError VALIDATION_FAILED/BAD_REQUEST for a malformed event. */
  normalize(parsed: unknown, request: WebhookRequest): Event;
  /** The provider's expected answer once stored (default `{received, duplicate, eventId}`). */
  acknowledge?(c: Context<HubEnv>, stored: AcknowledgeInput<Event>): Response | Promise<Response>;
  /** The provider's expected error body (SNAP BI wants its responseCode); default the hub's error envelope. */
  refuse?(c: Context<HubEnv>, error: AppError): Response;
}

/** Mounts an intake on the shared app, so it gets the request id, logging and error handling of every route. */
export function mountWebhook(app: OpenAPIHono<HubEnv>, intake: WebhookIntake<any>): void {
  app.on(intake.method ?? 'POST', intake.path, (c) => handleIntake(c, intake));
}

function readBody(raw: string, format: WebhookIntake['body']): { parsed: unknown; ok: boolean } {
  try {
    if (format === 'text') return { parsed: raw, ok: true };
    if (format === 'form') return { parsed: Object.fromEntries(new URLSearchParams(raw)), ok: true };
    return { parsed: JSON.parse(raw), ok: true };
  } catch {
    return { parsed: undefined, ok: false };
  }
}

export async function handleIntake<Event extends IntakeEvent>(c: Context<HubEnv>, spec: WebhookIntake<Event>): Promise<Response> {
  const { services } = c.var;
  const refuse = (error: AppError) => (spec.refuse ? spec.refuse(c, error) : errorResponse(c, error));
  const declared = Number(c.req.header('content-length') ?? 0);
  // With a Content-Length the HTTP framing already bounds the body, so it is read whole (the fast path every
  // provider takes); only a body without one (chunked) is measured while it streams in.
  const raw =
    declared > WEBHOOK_BODY_LIMIT ? undefined : c.req.header('content-length') !== undefined ? await c.req.text() : await readBodyUpTo(c.req.raw, WEBHOOK_BODY_LIMIT);
  if (raw === undefined) {
    services.metrics.webhooksReceived.inc({ provider: spec.provider, outcome: 'invalid' });
    // The rest of the body is not wanted; do not keep the connection for another request behind it.
    c.header('Connection', 'close');
    return refuse(new AppError('PAYLOAD_TOO_LARGE', `webhook body is larger than ${WEBHOOK_BODY_LIMIT} bytes`));
  }

  const { parsed, ok } = readBody(raw, spec.body);
  const request: WebhookRequest = { method: c.req.method, path: c.req.path, params: c.req.param() as Record<string, string>, raw, headers: c.req.raw.headers, parsed };

  if (!spec.verify(request)) {
    services.metrics.webhooksReceived.inc({ provider: spec.provider, outcome: 'rejected' });
    c.var.logger.warn({ provider: spec.provider }, 'webhook failed verification');
    return refuse(new AppError('UNAUTHORIZED', 'webhook signature or token is missing or wrong'));
  }
  if (!ok) {
    services.metrics.webhooksReceived.inc({ provider: spec.provider, outcome: 'invalid' });
    return refuse(new AppError('BAD_REQUEST', `webhook body is not valid ${spec.body === 'form' ? 'form data' : 'JSON'}`));
  }

  let event: Event;
  try {
    event = spec.normalize(parsed, request);
  } catch (err) {
    services.metrics.webhooksReceived.inc({ provider: spec.provider, outcome: 'invalid' });
    if (err instanceof AppError) return refuse(err);
    throw err;
  }

  const stored = await services.webhookInbox.store({
    provider: spec.provider,
    kind: spec.kind,
    eventKey: event.eventKey,
    rawBody: raw,
    normalized: { ...event } as Record<string, unknown>,
    orderId: event.orderId,
  });
  services.webhookProcessor?.kick();
  if (spec.acknowledge) return spec.acknowledge(c, { event, duplicate: stored.duplicate, eventId: stored.id });
  return c.json({ received: true, duplicate: stored.duplicate, eventId: stored.id }, 200);
}

/**
 * The body as UTF-8 text, or undefined once it passes `limit` bytes. Webhook routes are open to anyone until the
 * body is verified, and a chunked body has no Content-Length, so the body is measured while it streams in and
 * reading stops at the limit: never buffer an unbounded body to find out it was too big. Bytes, not characters:
 * a multi-byte body has fewer characters than bytes.
 */
async function readBodyUpTo(request: Request, limit: number): Promise<string | undefined> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      // What is left unread is drained and dropped by the HTTP server after the 413.
      if (size > limit) return undefined;
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}
