import { Dialect, type Principal, type UsageEvent } from '@switchyard/ir';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { IncomingCall } from './incoming-call';
import type { RequestOperation } from './request-metrics';

/** What the request asked for: a data-path operation (as the request metrics name it), a URL refused as asked, or a model list. */
export type AccessOperation = RequestOperation | 'models';

/** A data route's operation as the access line and the request metrics name it. */
export const ROUTE_OPERATION: Readonly<Record<'chat' | 'count' | 'embed' | 'responses' | 'media' | 'reject', RequestOperation>> = { chat: 'chat', count: 'count_tokens', embed: 'embeddings', responses: 'chat', media: 'media', reject: 'reject' };

/** Where access lines go: the process's pino logger (a child of it), or a test's. */
export interface AccessSink {
  info(line: object, msg: string): void;
}

/** What an admitted request adds to its line: who it was for and the model it asked for. */
export interface AccessAdmitted {
  readonly admission: { readonly principal: Pick<Principal, 'tenantId' | 'keyId'> };
  readonly model: string;
  /** The PII guardrails' action and the categories found (never a value). */
  readonly pii?: { readonly action: string; readonly categories: readonly string[] } | undefined;
}

const DIALECT_NAMES: Readonly<Record<Dialect, string>> = {
  [Dialect.DIALECT_UNSPECIFIED]: 'unspecified',
  [Dialect.DIALECT_OPENAI]: 'openai',
  [Dialect.DIALECT_ANTHROPIC]: 'anthropic',
  [Dialect.DIALECT_GEMINI]: 'gemini',
  [Dialect.DIALECT_OPENAI_RESPONSES]: 'openai_responses',
};

export const ACCESS_MESSAGE = 'access';

/**
 * One line per request at the ingress, written where the request ends (issue 13): ids (ours,
 * the caller's, the trace's), who (tenant and key id — never the key), what (dialect,
 * operation, model), where it went (provider, deployment, attempts, cache), and how it ended
 * (status, tokens, duration). Nothing from the body, no header, no query string.
 *
 * Hot path: the line is the one object a request allocates here; pino serialises it and
 * appends it to the process's asynchronous stdout buffer. Fields a request does not have are
 * left undefined, which pino leaves out of the JSON.
 */
export class AccessLog {
  constructor(private readonly sink: AccessSink) {}

  write(call: IncomingCall, res: ServerResponse, operation: AccessOperation, dialect: Dialect, admitted?: AccessAdmitted, event?: UsageEvent): void {
    // A refused known key (429, 403) is still named: who and which model (admission's answer).
    const principal = admitted?.admission.principal ?? call.refusedAs;
    const usage = event?.usage;
    const pii = admitted?.pii;
    this.sink.info(
      {
        requestId: call.requestId,
        clientRequestId: call.clientRequestId,
        traceId: call.traceId,
        tenantId: principal?.tenantId,
        keyId: principal?.keyId,
        dialect: DIALECT_NAMES[dialect],
        operation,
        model: (admitted?.model ?? call.refusedAs?.model) || undefined,
        provider: event?.providerId || undefined,
        deployment: event?.deploymentId || undefined,
        status: event?.httpStatus ?? res.statusCode,
        tokensIn: usage?.inputTokens,
        tokensOut: usage?.outputTokens,
        durationMs: Math.round(performance.now() - call.arrivedAt),
        attempts: event?.attempts,
        cacheHit: event?.cacheHit,
        piiAction: pii?.action,
        piiCategories: pii?.categories.length ? pii.categories.join(',') : undefined,
      },
      ACCESS_MESSAGE,
    );
  }
}
