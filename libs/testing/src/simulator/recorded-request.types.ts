import type { IncomingHttpHeaders } from 'node:http';
import type { SimulatedProvider } from './simulator-scenario.types';

/** One request the simulator received, as the upstream provider would have seen it. */
export interface RecordedRequest {
  /** 1-based, in arrival order; also sent back as the `x-simulator-request-id` header. */
  readonly id: number;
  readonly provider: SimulatedProvider;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when there was none or it did not parse. */
  readonly body: unknown;
  readonly rawBody: string;
  /** Epoch milliseconds. */
  readonly receivedAt: number;
  /** The client closed the connection before the response was finished. */
  aborted: boolean;
  /** The response was written to the end. */
  completed: boolean;
}
