import type { RenderedBody } from '@switchyard/dialects';
import type { ErrorEvent } from '@switchyard/ir';
import { httpStatusOf } from '@switchyard/ir';
import { renderErrorForPath } from './dialect-registry';

const ADMIN_PREFIX = '/admin/';

/**
 * The admin API's error `type` per status (its vocabulary is `ADMIN_ERROR_TYPES` in
 * `@switchyard/admin`, which a feature lib may not import; `docs/admin-api.md` lists it).
 */
function adminTypeOf(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 404) return 'not_found';
  if (status === 503) return 'unavailable';
  if (status >= 500) return 'internal';
  return 'invalid_request';
}

/**
 * An error the edge answers itself (before or outside a handler: the body limit, Fastify's own
 * refusals, the HTTP parser's), in the shape the URL implies: the admin API's
 * `{"error":{"type","message"}}` under `/admin/`, else the data dialect's. `status` overrides
 * the kind's status where no error kind has it (408, 431); a dialect whose body repeats the
 * status (Gemini's `error.code`) is told the same one.
 */
export function renderEdgeError(url: string, error: ErrorEvent, status?: number): RenderedBody {
  if (url.startsWith(ADMIN_PREFIX)) {
    const s = status ?? httpStatusOf(error.kind);
    return { status: s, body: JSON.stringify({ error: { type: adminTypeOf(s), message: error.message } }), headers: { 'cache-control': 'no-store' } };
  }
  const rendered = renderErrorForPath(url, error);
  if (status === undefined || status === rendered.status) return rendered;
  const body = JSON.parse(rendered.body) as { error?: { code?: unknown } };
  if (typeof body.error?.code === 'number') body.error.code = status;
  return { ...rendered, status, body: JSON.stringify(body) };
}
