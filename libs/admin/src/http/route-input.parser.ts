import type { IncomingHttpHeaders } from 'node:http';
import { AdminError } from './admin.error';
import type { AdminRouteSpec, AuditContext, RouteInput } from './admin-route';
import { formatIssues } from './zod-issues.formatter';

export const ACTOR_HEADER = 'x-switchyard-actor';
const ACTOR_NAME = /^[A-Za-z0-9._@+-]{1,64}$/;

/** The parts of a request the admin API reads (Fastify's request has them all). */
export interface RawAdminRequest {
  params?: unknown;
  query?: unknown;
  /** The body as a string (the ingress reads every body as text) or absent. */
  body?: unknown;
  headers: IncomingHttpHeaders;
  socketIp: string | undefined;
}

/**
 * Validates a request against its route: path parameters (a malformed id names nothing, so it
 * is a 404), query (400) and JSON body (400; an empty body is `{}`). Never throws anything but
 * an {@link AdminError}, whatever the client sent.
 */
export function parseRouteInput<S extends AdminRouteSpec>(spec: S, req: RawAdminRequest): RouteInput<S> {
  const params = spec.params?.safeParse(req.params ?? {});
  if (params && !params.success) throw AdminError.notFound(`not found: ${formatIssues(params.error.issues, 'path')}`);
  const query = spec.query?.safeParse(req.query ?? {});
  if (query && !query.success) throw AdminError.invalid(formatIssues(query.error.issues, 'query'));
  let body: unknown;
  if (spec.body) {
    const parsed = spec.body.safeParse(jsonBody(req.body));
    if (!parsed.success) throw AdminError.invalid(formatIssues(parsed.error.issues));
    body = parsed.data;
  }
  return { params: params?.data, query: query?.data, body, audit: auditContext(req) } as RouteInput<S>;
}

function jsonBody(raw: unknown): unknown {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'string') return raw;
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    // Not the parser's message: it quotes the body, which may hold a secret.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    throw AdminError.invalid(`the body is not valid JSON${position === undefined ? '' : ` (at character ${position})`}`);
  }
}

function auditContext(req: RawAdminRequest): AuditContext {
  const header = req.headers[ACTOR_HEADER];
  if (header === undefined) return { actor: 'admin', sourceIp: req.socketIp };
  if (typeof header !== 'string' || !ACTOR_NAME.test(header)) {
    throw AdminError.invalid(`${ACTOR_HEADER}: expected 1-64 letters, digits or . _ @ + -`);
  }
  return { actor: `admin:${header}`, sourceIp: req.socketIp };
}
