import type { IncomingHttpHeaders } from 'node:http';

/**
 * An upstream model name the simulator always answers with the echo (`SimulatorScenario.echo`),
 * so a gateway config can point one public model at it beside the ordinary ones.
 */
export const ECHO_MODEL = 'simulator-echo';

// Credentials are never echoed: the answer goes back to the gateway's client, who must not read
// the operator's upstream key in it. Gemini may carry its key in the query (`?key=`).
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'x-goog-api-key', 'api-key']);
const SECRET_QUERY = new Set(['key']);
const REDACTED = '[redacted]';

/** What the simulator received, as the echo shows it. */
export interface EchoedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

/**
 * The answer text of an echo: the request as received — method, path, query and headers
 * (credentials redacted), and the parsed JSON body — as indented JSON, so a translation can be
 * read off the client's own answer.
 */
export function echoOf(r: EchoedRequest): string {
  const headers: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(r.headers)) headers[name] = SECRET_HEADERS.has(name) ? REDACTED : value;
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.query)) query[name] = SECRET_QUERY.has(name) ? REDACTED : value;
  return JSON.stringify({ method: r.method, path: r.path, query, headers, body: r.body }, null, 2);
}
