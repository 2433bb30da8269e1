import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * The public server's limits (docs/architecture.md §1, edge hardening: every size and every wait
 * bounded); the env schema gives the defaults and why.
 */
export interface EdgeHttpLimits {
  /** All request headers must arrive within this (408 otherwise). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (408 otherwise). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Open connections at most; Node closes further ones as they are accepted. */
  maxConnections: number;
}

// Node checks the header and request deadlines on a timer, every 30 s by default, which would
// let a 30 s deadline run to a minute; once a second keeps them within a second. The check walks
// only connections with a request in progress.
const DEADLINE_CHECK_MS = 1_000;

/** The node:http server both the standalone and the cluster ingress serve from. */
export function createEdgeServer(limits: EdgeHttpLimits, listener: RequestListener): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(DEADLINE_CHECK_MS, limits.headersTimeoutMs),
    },
    listener,
  );
  // Set here, not through Fastify's option: Fastify applies its own only to servers it creates.
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  return server;
}
