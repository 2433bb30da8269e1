import { ANY_ORIGIN, normalizeOrigin } from '@switchyard/shared';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ATTEMPTS_HEADER, CACHE_HEADER, DROPPED_HEADER, ESTIMATED_HEADER, IMPOSED_MAX_TOKENS_HEADER } from '../answer-headers';
import { ANTHROPIC_REQUEST_ID_HEADER, CLIENT_REQUEST_ID_HEADER, REQUEST_ID_HEADER } from '../request-ids';
import { TRACE_ID_HEADER, TRACERESPONSE_HEADER } from '../request-span';

/** The server's CORS settings: `server.cors` of switchyard.yaml, or SWITCHYARD_CORS_ORIGINS. */
export interface CorsSettings {
  /** Normalised origins (`normalizeOrigin`), `*` for any. */
  origins: readonly string[];
  maxAgeSeconds: number;
}

// What a browser script may read of our answers: our own headers, the request and trace ids and
// the rate-limit state (CORS exposes only the safelisted response headers otherwise).
const EXPOSED = [
  DROPPED_HEADER,
  ESTIMATED_HEADER,
  CACHE_HEADER,
  ATTEMPTS_HEADER,
  IMPOSED_MAX_TOKENS_HEADER,
  REQUEST_ID_HEADER,
  CLIENT_REQUEST_ID_HEADER,
  ANTHROPIC_REQUEST_ID_HEADER,
  TRACE_ID_HEADER,
  TRACERESPONSE_HEADER,
  'retry-after',
  'x-should-retry',
  ...['requests', 'tokens'].flatMap((d) => [`x-ratelimit-limit-${d}`, `x-ratelimit-remaining-${d}`, `x-ratelimit-reset-${d}`]),
  ...['requests', 'tokens'].flatMap((d) => [`anthropic-ratelimit-${d}-limit`, `anthropic-ratelimit-${d}-remaining`, `anthropic-ratelimit-${d}-reset`]),
].join(', ');
const METHODS = 'GET, POST, OPTIONS';
// Request headers a preflight may ask for are echoed back when they are a plain token list (the
// SDKs send their own x-stainless-*, anthropic-*, x-goog-* headers; listing them would rot).
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(?:\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;
const MAX_HEADER_LIST = 2048;
/** How long the union of the tenants' origins is reused before auth is asked again. */
const TENANT_ORIGINS_TTL_MS = 10_000;

/** The client API's paths (docs/architecture.md §3): every dialect lives under /v1 or /v1beta. */
export function isClientApiPath(url: string): boolean {
  return url.startsWith('/v1/') || url.startsWith('/v1beta/');
}

/**
 * CORS for the client API (docs/architecture.md §3, CORS). A preflight carries no key, so it is
 * answered for the server's origins and the union of every tenant's; the actual request is
 * checked here against the server's list and, once admission knows the key, against its own
 * tenant's list (`allowTenantOrigin`). An origin allowed nowhere gets no CORS headers, and the
 * browser keeps the answer from the page.
 */
export class CorsPolicy {
  private readonly global: ReadonlySet<string>;
  private readonly anyOrigin: boolean;
  private tenantOrigins: { at: number; origins: ReadonlySet<string> } | undefined;
  private loading: Promise<ReadonlySet<string>> | undefined;

  constructor(
    private readonly settings: CorsSettings,
    private readonly loadTenantOrigins: () => Promise<string[]> = () => Promise.resolve([]),
    private readonly onLoadError: (err: unknown) => void = () => undefined,
  ) {
    this.global = new Set(settings.origins);
    this.anyOrigin = this.global.has(ANY_ORIGIN);
  }

  /**
   * Answers a preflight (`OPTIONS` with Access-Control-Request-Method) on a client API path and
   * returns true; otherwise marks an allowed origin on the response and returns false, leaving
   * the request to the routes.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (origin === undefined || !isClientApiPath(req.url ?? '')) return false;
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      void this.preflight(origin, req, res);
      return true;
    }
    res.setHeader('vary', 'Origin');
    if (this.allowedGlobally(origin)) allow(res, origin);
    return false;
  }

  private async preflight(origin: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    if (this.allowedGlobally(origin) || (await this.tenantUnion()).has(normalizeOrigin(origin) ?? '')) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-methods', METHODS);
      const asked = req.headers['access-control-request-headers'];
      if (asked && asked.length <= MAX_HEADER_LIST && HEADER_LIST.test(asked)) res.setHeader('access-control-allow-headers', asked);
      res.setHeader('access-control-max-age', String(this.settings.maxAgeSeconds));
    }
    res.statusCode = 204;
    res.end();
  }

  private allowedGlobally(origin: string): boolean {
    return this.anyOrigin || this.global.has(origin) || this.global.has(normalizeOrigin(origin) ?? '');
  }

  /** The tenants' origins, reloaded at most every 10 s; on failure the last known set (or none). */
  private tenantUnion(): Promise<ReadonlySet<string>> {
    const cached = this.tenantOrigins;
    if (cached && Date.now() - cached.at < TENANT_ORIGINS_TTL_MS) return Promise.resolve(cached.origins);
    this.loading ??= this.loadTenantOrigins()
      .then(
        (list) => {
          this.tenantOrigins = { at: Date.now(), origins: new Set(list) };
          return this.tenantOrigins.origins;
        },
        (err: unknown) => {
          this.onLoadError(err);
          return cached?.origins ?? new Set<string>();
        },
      )
      .finally(() => (this.loading = undefined));
    return this.loading;
  }
}

/**
 * After admission: the request's origin is allowed when its tenant lists it (`tenantOrigins`,
 * from the principal). Headers set by the server's list stay as they are.
 */
export function allowTenantOrigin(res: ServerResponse, origin: string | string[] | undefined, tenantOrigins: readonly string[]): void {
  if (typeof origin !== 'string' || res.hasHeader('access-control-allow-origin')) return;
  if (tenantOrigins.includes(ANY_ORIGIN) || tenantOrigins.includes(normalizeOrigin(origin) ?? '')) allow(res, origin);
}

function allow(res: ServerResponse, origin: string): void {
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('access-control-expose-headers', EXPOSED);
}
