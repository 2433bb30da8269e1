import { PiiGuard, type PiiOutcome, type PiiRedaction } from '@switchyard/guardrails';
import { ErrorKind, IrError } from '@switchyard/ir';
import type { AuthPort, Dialect, ErrorEvent, Principal, QuotaTicket, RequestMeta, RequestSize, Usage } from '@switchyard/ir';
import { metricSeries } from '@switchyard/telemetry';
import type { LineContext } from './batch-line.operation';

/** Refusals that mean "not now" rather than "never": the line waits and runs again. */
export function isBackOff(error: ErrorEvent): boolean {
  return error.kind === ErrorKind.ERROR_KIND_RATE_LIMITED || error.kind === ErrorKind.ERROR_KIND_BUDGET_EXCEEDED || error.kind === ErrorKind.ERROR_KIND_OVERLOADED;
}

/** How long a line waits after a 429: the refusal's retry-after, else 1 s, at most a minute. */
export function backOffMs(error: ErrorEvent): number {
  return Math.min(Math.max(error.retryAfterMs || 1_000, 250), 60_000);
}

export interface LineAdmission {
  principal: Principal;
  ticket: QuotaTicket | undefined;
  maxOutputTokens: number;
  /** What the key's PII guardrails found and did (absent: the key has none); `restore` for the answer. */
  pii: PiiOutcome | undefined;
}

/** A line admission turned away: what the endpoint answers, and what the guardrails found when they blocked it. */
export interface LineRefusal {
  error: ErrorEvent;
  pii?: PiiOutcome;
}

/** The batch worker's guardrails: the same policy, detectors and metric as the ingress's. */
const LINE_GUARD = new PiiGuard((finding) => metricSeries().piiFindings.inc(finding));

/**
 * Admits a line as the ingress admits a request of the submitting key (counted against the
 * key's and tenant's rpm, tpm, concurrency and budgets; its models and regions): a refusal comes
 * back as a LineRefusal. Then the key's PII guardrails run over the line's request as the
 * ingress runs them (`redact` hands its texts over; mask rewrites them in place), and a block is
 * the guard's 400 for this line alone (with the guard's finding, for the request audit). A lease is renewed while the line runs, and settled by
 * `settleLine`.
 */
export async function admitLine(auth: AuthPort, ctx: LineContext, dialect: Dialect, model: string, size: RequestSize, redact: (redaction: PiiRedaction) => void): Promise<LineAdmission | LineRefusal> {
  const answer = await auth.admit({
    keyHash: ctx.keyHash,
    model,
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
    dialect,
    counted: true,
    inputTokensEstimate: size.inputEstimate,
    inputTokensBound: size.inputBound,
    maxOutputTokens: size.maxOutput,
    // Reserved and settled at the model's batch rates, which billing charges the line at.
    batch: true,
  });
  if (!answer.admitted || !answer.principal) return { error: answer.error ?? new IrError(ErrorKind.ERROR_KIND_AUTHENTICATION, 'not admitted').toEvent() };
  const pii = LINE_GUARD.inspect(answer.principal.pii, answer.principal.tenantId, redact);
  try {
    LINE_GUARD.enforce(pii);
  } catch (err) {
    // Blocked: nothing is sent, nothing consumed; the reservation is given back now.
    await settleLine(auth, answer.ticket, model, undefined, Date.now());
    if (err instanceof IrError) return { error: err.toEvent(), pii };
    throw err;
  }
  return { principal: answer.principal, ticket: answer.ticket, maxOutputTokens: answer.maxOutputTokens, pii };
}

/** Keeps the line's concurrency lease while it runs (a third of the lease, as QuotaHold does). */
export function keepLease(auth: AuthPort, ticket: QuotaTicket | undefined): () => void {
  const every = ticket ? Math.floor(ticket.leaseMs / 3) : 0;
  if (!ticket || every <= 0) return () => undefined;
  const timer = setInterval(() => void auth.heartbeat({ ticket }).catch(() => undefined), every);
  timer.unref();
  return () => clearInterval(timer);
}

/** Real usage replaces the reservation; a failed settle leaves the lease to lapse (the safe side). */
export async function settleLine(auth: AuthPort, ticket: QuotaTicket | undefined, model: string, usage: Usage | undefined, startedAt: number): Promise<void> {
  if (!ticket) return;
  await auth.settle({ ticket, model, usage, cacheHit: false, startedAtMs: startedAt, batch: true }).catch(() => undefined);
}

export function lineMeta(ctx: LineContext, principal: Principal, dialect: Dialect): RequestMeta {
  return {
    requestId: ctx.requestId,
    clientRequestId: '',
    tenantId: principal.tenantId,
    keyId: principal.keyId,
    endUserId: '',
    region: ctx.region,
    dialect,
    // Batch lines are individual requests: each is answered by an upstream, never from the cache.
    cacheMode: 'no-store',
    allowedRegions: principal.allowedRegions,
  };
}
