import type { PiiOutcome } from '@switchyard/guardrails';
import { ErrorKind, httpStatusOf } from '@switchyard/ir';
import type { AuditFacts, Dialect, ErrorEvent, StartEvent, Usage, UsageEvent } from '@switchyard/ir';
import type { LineContext } from './batch-line.operation';

export interface LineFacts {
  dialect: Dialect;
  model: string;
  start: StartEvent | undefined;
  usage: Usage | undefined;
  error: ErrorEvent | undefined;
  startedAt: number;
  /** The guardrails' action and categories, for the request audit (as the ingress files them). */
  pii?: PiiOutcome;
}

/**
 * The one usage event of a line: `batch: true` (billing prices it at the model's batch rates),
 * under the line's own request id, so the ledger records it once however often it is published.
 * A failure before any output consumed nothing upstream and is charged nothing, as for requests.
 */
export function lineUsageEvent(ctx: LineContext, f: LineFacts): UsageEvent {
  const now = Date.now();
  const attempts = f.error?.attemptLog.filter((a) => a.deploymentId) ?? [];
  const last = attempts.at(-1);
  const regions = new Set<string>();
  for (const a of f.error?.attemptLog ?? f.start?.attemptLog ?? []) if (a.deploymentId && a.region) regions.add(a.region);
  if (f.start?.deploymentRegion) regions.add(f.start.deploymentRegion);
  const region = f.start?.deploymentRegion || last?.region;
  return {
    requestId: ctx.requestId,
    clientRequestId: '',
    tenantId: ctx.tenantId,
    keyId: ctx.keyId,
    model: f.model,
    providerId: f.start?.providerId || last?.providerId || '',
    deploymentId: f.start?.deploymentId || last?.deploymentId || '',
    upstreamModel: f.start?.upstreamModel ?? '',
    dialect: f.dialect,
    stream: false,
    status: f.error ? 'error' : 'ok',
    httpStatus: f.error ? httpStatusOf(f.error.kind) : 200,
    errorKind: f.error?.kind ?? ErrorKind.ERROR_KIND_UNSPECIFIED,
    usage: f.usage ?? { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 },
    latencyMs: now - f.startedAt,
    ttftMs: 0,
    region: ctx.region,
    startedAt: f.startedAt,
    finishedAt: now,
    cacheHit: false,
    attempts: f.error ? attempts.length : (f.start?.attempts ?? 1),
    batch: true,
    ...(region ? { deploymentRegion: region } : {}),
    audit: { clientIp: ctx.clientIp, endpoint: ctx.endpoint, auditOnly: false, piiAction: f.pii?.action ?? '', piiCategories: f.pii?.categories ?? [], dataRegions: [...regions] },
  };
}

export interface RefusedLineFacts {
  dialect: Dialect;
  /** The line's model; empty when its body was refused before one was read. */
  model: string;
  error: ErrorEvent;
  /** The status the line was answered with. */
  httpStatus: number;
  startedAt: number;
  /** The guardrails' finding, when they blocked the line. */
  pii?: PiiOutcome | undefined;
}

/**
 * The audit-only event of a line turned away before any upstream was tried (its body refused,
 * its admission refused for good, a PII block): the request audit files it `refused`, as it files
 * a refused request from the ingress, and billing bills nothing (no tokens, `auditOnly`).
 */
export function refusedLineEvent(ctx: LineContext, f: RefusedLineFacts): UsageEvent {
  // A line's event with nothing routed (no start, no attempts, no regions) and no tokens at all.
  const event = lineUsageEvent(ctx, { dialect: f.dialect, model: f.model, start: undefined, usage: undefined, error: f.error, startedAt: f.startedAt, pii: f.pii });
  return { ...event, usage: undefined, httpStatus: f.httpStatus, attempts: 0, audit: { ...(event.audit as AuditFacts), auditOnly: true } };
}
