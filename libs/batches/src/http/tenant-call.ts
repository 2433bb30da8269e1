import type { Logger } from '@nestjs/common';
import { AnthropicMessagesDialect, OpenAiChatDialect } from '@switchyard/dialects';
import type { RenderedBody } from '@switchyard/dialects';
import { ErrorKind, IrError, httpStatusOf, missingKeyMessage } from '@switchyard/ir';
import type { AuthPort, Dialect, ErrorEvent } from '@switchyard/ir';
import { hashKey } from '@switchyard/shared';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Submitter } from '../batches/batches.service';

/** A client dialect: its errors' shape, and its id, which words a credential refusal for its clients. */
export interface ErrorShape {
  readonly id: Dialect;
  renderError(error: ErrorEvent): RenderedBody;
}
export const OPENAI_ERRORS: ErrorShape = new OpenAiChatDialect();
export const ANTHROPIC_ERRORS: ErrorShape = new AnthropicMessagesDialect();
const INTERNAL: ErrorEvent = { kind: ErrorKind.ERROR_KIND_INTERNAL, message: 'internal error', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] };

/** The key as the OpenAI SDK sends it (`Authorization: Bearer`), or `x-api-key`. */
function credentialOf(req: IncomingMessage): string | undefined {
  const auth = req.headers.authorization;
  if (auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return auth.slice(7).trim() || undefined;
  const x = req.headers['x-api-key'];
  return typeof x === 'string' && x ? x.trim() : undefined;
}

/**
 * Who calls a Files or Batches route: the key checked as admission checks it (revoked, expired,
 * client IP) without counting anything — these routes call no upstream. Throws the refusal,
 * worded for the clients of `shape`'s dialect (an Anthropic SDK sends `x-api-key`, not Bearer).
 */
export async function tenantOf(auth: AuthPort, req: IncomingMessage, requestId: string, shape: ErrorShape = OPENAI_ERRORS): Promise<Submitter> {
  const key = credentialOf(req);
  if (!key) throw new IrError(ErrorKind.ERROR_KIND_AUTHENTICATION, missingKeyMessage(shape.id));
  const keyHash = hashKey(key);
  const clientIp = req.socket.remoteAddress ?? '';
  const answer = await auth.admit({ keyHash, model: '', requestId, clientIp, dialect: shape.id, counted: false, inputTokensEstimate: 0, inputTokensBound: 0, maxOutputTokens: 0 });
  if (!answer.admitted || !answer.principal) throw IrError.fromEvent(answer.error ?? { ...INTERNAL, kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: 'not admitted' });
  return { tenantId: answer.principal.tenantId, keyId: answer.principal.keyId, keyHash, clientIp };
}

/** Our request id, stamped on the answer (never the client's: docs/architecture.md, "Request ids"). */
export function stampRequestId(res: ServerResponse): string {
  const id = randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A failure in the dialect's error shape; anything not an IrError is our bug, logged and answered 500. */
export function sendFailure(res: ServerResponse, err: unknown, log: Logger, requestId: string, shape: ErrorShape = OPENAI_ERRORS): void {
  let event: ErrorEvent;
  if (err instanceof IrError) event = err.toEvent();
  else {
    log.error(`request ${requestId} failed: ${(err as Error | undefined)?.stack ?? String(err)}`);
    event = INTERNAL;
  }
  const rendered = shape.renderError(event);
  if (res.headersSent || res.destroyed) return;
  res.writeHead(rendered.status || httpStatusOf(event.kind), { 'content-type': 'application/json', ...rendered.headers });
  res.end(rendered.body);
}

/** Runs a route's work and answers its failure (thin controllers: parse, call one method, map errors). */
export async function answer(res: ServerResponse, log: Logger, work: (requestId: string) => Promise<void>, shape: ErrorShape = OPENAI_ERRORS): Promise<void> {
  const requestId = stampRequestId(res);
  try {
    await work(requestId);
  } catch (err) {
    sendFailure(res, err, log, requestId, shape);
  }
}

/** The common route: the caller's tenant, then one service call whose result is answered 200 as JSON. */
export function answerForTenant(auth: AuthPort, req: IncomingMessage, res: ServerResponse, log: Logger, work: (who: Submitter) => Promise<unknown>): Promise<void> {
  return answer(res, log, async (requestId) => {
    const who = await tenantOf(auth, req, requestId);
    sendJson(res, 200, await work(who));
  });
}
