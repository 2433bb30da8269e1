import { type AuditFacts, type Dialect, ErrorKind, IrError, type UsageEvent } from '@switchyard/ir';
import { performance } from 'node:perf_hooks';
import type { IncomingCall } from '../incoming-call';
import type { PiiOutcome } from '@switchyard/guardrails';

// The request audit's facts ride on the usage event (docs/architecture.md, "Request audit and
// residency"): one queue, one batch, one consumer, and the hot path publishes without waiting.

/** The audit facts of a request: who (address), what (endpoint), what the guardrails did, where its data went. */
export function auditFactsOf(call: IncomingCall, clientIp: string, pii: PiiOutcome | undefined, auditOnly: boolean, dataRegions: string[]): AuditFacts {
  return {
    clientIp,
    endpoint: endpointOf(call),
    auditOnly,
    piiAction: pii?.action ?? '',
    piiCategories: pii?.categories ?? [],
    dataRegions,
  };
}

/** Who was refused or served unmetered, and how it ended. */
export interface AuditOnlyRequest {
  call: IncomingCall;
  clientIp: string;
  dialect: Dialect;
  tenantId: string;
  keyId: string;
  model: string;
  region: string;
  httpStatus: number;
  /** What was thrown and answered, if anything. */
  failure: unknown;
  pii?: PiiOutcome;
  stream?: boolean;
}

/**
 * The event of a request that has an audit row but no ledger row: a known key refused (401, 403,
 * 429), a PII block, or an operation that is not metered (token counts). Nothing was billed, so
 * it carries no tokens; billing writes it to the audit only.
 */
export function auditOnlyEvent(r: AuditOnlyRequest): UsageEvent {
  const now = Date.now();
  const failed = r.failure !== undefined || r.httpStatus >= 400;
  return {
    requestId: r.call.requestId,
    clientRequestId: r.call.clientRequestId ?? '',
    tenantId: r.tenantId,
    keyId: r.keyId,
    model: r.model,
    providerId: '',
    deploymentId: '',
    upstreamModel: '',
    dialect: r.dialect,
    stream: r.stream ?? false,
    status: failed ? 'error' : 'ok',
    httpStatus: r.httpStatus,
    errorKind: r.failure instanceof IrError ? r.failure.kind : failed ? ErrorKind.ERROR_KIND_INTERNAL : ErrorKind.ERROR_KIND_UNSPECIFIED,
    latencyMs: Math.round(performance.now() - r.call.arrivedAt),
    ttftMs: 0,
    region: r.region,
    startedAt: Math.round(now - (performance.now() - r.call.arrivedAt)),
    finishedAt: now,
    cacheHit: false,
    attempts: 0,
    audit: auditFactsOf(r.call, r.clientIp, r.pii, true, []),
  };
}

/** The route's path, never its query: a Gemini client may carry its key there (`?key=`). */
function endpointOf(call: IncomingCall): string {
  const target = call.target ?? '';
  const q = target.indexOf('?');
  return q < 0 ? target : target.slice(0, q);
}
