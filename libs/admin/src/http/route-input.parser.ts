import { findUnstorableText } from '@switchyard/shared';
import type { IncomingHttpHeaders } from 'node:http';
import { BOOTSTRAP_PRINCIPAL, actorOf, type AdminPrincipal } from '../roles/admin-principal';
import { withheldResponseFields } from '../roles/route-response.filter';
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
  /** Who the guard found behind the bearer token; the bootstrap admin when absent. */
  principal?: AdminPrincipal;
}

/**
 * Validates a request against its route: path parameters (a malformed id names nothing, so it
 * is a 404), query (400) and JSON body (400; an empty body is `{}`). Never throws anything but
 * an {@link AdminError}, whatever the client sent.
 */
export function parseRouteInput<S extends AdminRouteSpec>(spec: S, req: RawAdminRequest): RouteInput<S> {
  // A path id the database cannot even compare names nothing, like any malformed id.
  if (findUnstorableText(req.params) !== undefined) throw AdminError.notFound('not found: the path holds a character that cannot be stored');
  const params = spec.params?.safeParse(req.params ?? {});
  if (params && !params.success) throw AdminError.notFound(`not found: ${formatIssues(params.error.issues, 'path')}`);
  refuseUnstorable(req.query, 'query');
  const query = spec.query?.safeParse(req.query ?? {});
  if (query && !query.success) throw AdminError.invalid(formatIssues(query.error.issues, 'query'));
  let body: unknown;
  if (spec.body) {
    const raw = jsonBody(req.body);
    refuseUnstorable(raw, '');
    const parsed = spec.body.safeParse(raw);
    if (!parsed.success) throw AdminError.invalid(formatIssues(parsed.error.issues));
    body = parsed.data;
  }
  const withheld = withheldResponseFields(req.principal ?? BOOTSTRAP_PRINCIPAL, spec);
  return { params: params?.data, query: query?.data, body, audit: auditContext(req), withheld } as RouteInput<S>;
}

/**
 * Postgres cannot store a NUL or an unpaired surrogate: refused here, for every field of every
 * route, rather than failing as a 500 in whichever write meets it (issue 10).
 */
function refuseUnstorable(value: unknown, where: string): void {
  const field = findUnstorableText(value);
  if (field === undefined) return;
  const at = where ? `${where}.${field}` : field === '(the value)' ? 'body' : field;
  throw AdminError.invalid(`${at}: contains a NUL character (U+0000) or an unpaired UTF-16 surrogate, which cannot be stored`);
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
  const principal = req.principal ?? BOOTSTRAP_PRINCIPAL;
  if (header === undefined) return { actor: actorOf(principal, undefined), sourceIp: req.socketIp };
  if (typeof header !== 'string' || !ACTOR_NAME.test(header)) {
    throw AdminError.invalid(`${ACTOR_HEADER}: expected 1-64 letters, digits or . _ @ + -`);
  }
  return { actor: actorOf(principal, header), sourceIp: req.socketIp };
}
