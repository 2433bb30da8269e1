import { Inject, Injectable, Logger } from '@nestjs/common';
import { AUTH_PORT, ErrorKind, IrError, ROUTER_PORT, USAGE_SINK } from '@switchyard/ir';
import type { AuthPort, Dialect, ErrorEvent, Principal, RequestMeta, RequestSize, ResponseStorePort, RouterPort, UsageEvent, UsageSink } from '@switchyard/ir';
import { hashKey } from '@switchyard/shared';
import { PiiGuard } from '@switchyard/guardrails';
import { TRACING, metricSeries } from '@switchyard/telemetry';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { type AccessLog, ROUTE_OPERATION } from './access-log';
import { AdmittedCall, type Admission } from './admitted-call';
import { AuditBodyCapture, type AuditCaptureSettings } from './audit/audit-body.capture';
import { auditFactsOf, auditOnlyEvent } from './audit/request-audit.event';
import { CACHE_HEADER } from './answer-headers';
import { ChatOperation } from './chat.operation';
import type { ClientAddressResolver } from './client-address';
import { CountTokensOperation } from './count-tokens.operation';
import { allowTenantOrigin } from './cors/cors-policy';
import { credentialOf } from './credentials';
import type { DataOperation } from './data-operation';
import { type DataRoute, dialectOfPath } from './dialect-registry';
import { EmbedOperation } from './embed.operation';
import { MediaCallOperation } from './media.operation';
import { type ErrorDialect, answerFailure } from './failure-answer';
import type { IncomingCall } from './incoming-call';
import { missingKey } from './ingress-errors';
import { parseJson } from './json-body';
import { KeyGate, type KeyGateRefusal } from './key-gate';
import { QuotaHold } from './quota-hold';
import { ResponsesOperation } from './responses/responses.operation';
import { verifiedHop } from './region/peer-hop';
import type { PeerSpill } from './region/peer-spill';
import { setRateLimitHeaders } from './rate-limit.headers';
import { annotateRequestSpan, tracedAdmission } from './request-span';
import { RequestMetrics } from './request-metrics';
import type { RequestLimits } from './request-limits';

export type { Admission } from './admitted-call';
export { ATTEMPTS_HEADER, CACHE_HEADER, DROPPED_HEADER, ESTIMATED_HEADER, IMPOSED_MAX_TOKENS_HEADER, renderAttempts } from './answer-headers';
export type { ErrorDialect } from './failure-answer';
export type { IncomingCall } from './incoming-call';

export const INGRESS_OPTIONS = Symbol('IngressOptions');
export interface IngressOptions {
  region: string;
  /** The client's address for IP allow-lists (the socket's, or X-Forwarded-For from a trusted proxy). */
  clientAddress?: ClientAddressResolver;
  /** Size ceilings checked before admission (embeddings inputs, tokens per request). */
  limits: RequestLimits;
  /** One line per request where it ends; undefined when SWITCHYARD_ACCESS_LOG is off. */
  accessLog?: AccessLog;
  /** Peer regions: where spilled requests go, and whose forwarded requests are believed. */
  spill?: PeerSpill;
  /** The request audit's body capture (tenants[].audit.captureBodies); none without a secret box. */
  audit?: AuditCaptureSettings;
  /** Stored Responses API answers (`store`, `previous_response_id`); none when this ingress has no database. */
  responses?: ResponseStorePort;
}

const NOT_ADMITTED: ErrorEvent = { kind: ErrorKind.ERROR_KIND_AUTHENTICATION, message: 'not admitted', retryable: false, providerStatus: 0, retryAfterMs: 0, param: '', attemptLog: [] };

/**
 * Every data-path request from the client's dialect to the router and back (docs/architecture.md
 * §1, ingress): credential and key gate (before the body is read), then one admission skeleton
 * for chat, token counts and embeddings — parse → admit → meta → abort-on-close → run →
 * usage/settle — each operation supplying only its own steps (`DataOperation`). Every failure
 * is a thrown IrError, answered in the client's dialect in one place (`answerFailure`).
 */
@Injectable()
export class ChatPipeline {
  private readonly log = new Logger(ChatPipeline.name);
  private readonly gate: KeyGate;
  private readonly chat: ChatOperation;
  private readonly count: CountTokensOperation;
  private readonly embed: EmbedOperation;
  private readonly responses: ResponsesOperation;
  private readonly media: MediaCallOperation;
  private readonly metrics = new RequestMetrics();
  private readonly pii = new PiiGuard((finding) => metricSeries().piiFindings.inc(finding));

  constructor(
    @Inject(AUTH_PORT) private readonly auth: AuthPort,
    @Inject(ROUTER_PORT) router: RouterPort,
    @Inject(USAGE_SINK) private readonly usage: UsageSink,
    @Inject(INGRESS_OPTIONS) private readonly options: IngressOptions,
  ) {
    this.gate = new KeyGate(auth);
    this.chat = new ChatOperation(router, options.limits, options.region, options.spill);
    this.count = new CountTokensOperation(router, options.spill);
    this.embed = new EmbedOperation(router, options.limits, options.region, options.spill);
    this.responses = new ResponsesOperation(router, options.limits, options.region, options.responses, options.spill);
    this.media = new MediaCallOperation(router, options.region);
  }

  /**
   * What runs before the body is read (issue 10): the credential and the key gate. The key's
   * hash when the body may be read; undefined once the refusal (401, or the route's own 400) was
   * answered, and the caller then discards the body. Synchronous in the steady state.
   */
  authenticate(route: DataRoute, call: IncomingCall, res: ServerResponse): string | undefined | Promise<string | undefined> {
    try {
      const pass = this.checkKey(route, call);
      if (typeof pass === 'string') return pass;
      return pass.catch((err: unknown) => this.refuse(route, call, res, err));
    } catch (err) {
      return this.refuse(route, call, res, err);
    }
  }

  /** A request refused before its body was read: answered, and its access line written. */
  private refuse(route: DataRoute, call: IncomingCall, res: ServerResponse, err: unknown): undefined {
    answerFailure(route.dialect, res, call.requestId, err, this.log);
    this.auditRefusal(route.dialect.id, call, res, err);
    this.answeredEarly(route, call, res);
    return undefined;
  }

  /**
   * A known key's refusal goes to the request audit (an audit-only event on the usage queue,
   * published without waiting); an unknown key's does not: there is no tenant to file it under.
   * A known key's request refused for its body (a 400 before admission: the body names the model
   * and size admission counts) is filed under the key the gate passed, with no model.
   */
  private auditRefusal(dialect: Dialect, call: IncomingCall, res: ServerResponse, failure: unknown): void {
    const who = call.refusedAs ?? (call.keyOwner && { ...call.keyOwner, model: '' });
    if (!who) return;
    this.usage.publish(auditOnlyEvent({ call, clientIp: this.clientIpOf(call), dialect, tenantId: who.tenantId, keyId: who.keyId, model: who.model, region: this.options.region, httpStatus: res.statusCode, failure }));
  }

  /** The access line and request metrics of a request answered before the pipeline served it (a refusal, a 413). */
  answeredEarly(route: DataRoute, call: IncomingCall, res: ServerResponse): void {
    this.options.accessLog?.write(call, res, ROUTE_OPERATION[route.op], route.dialect.id);
    this.metrics.refused(route.dialect.id, ROUTE_OPERATION[route.op], call.arrivedAt, res.statusCode);
  }

  /**
   * A POST to an API URL that is no data route, left to Nest (which answers 404 in the URL's
   * dialect): counted in the request metrics as `reject` when its answer is done, so a client
   * aiming at a wrong URL shows on the dashboards.
   */
  countUnserved(pathname: string, res: ServerResponse): void {
    const arrivedAt = performance.now();
    const dialect = dialectOfPath(pathname).id;
    res.once('close', () => this.metrics.refused(dialect, 'reject', arrivedAt, res.statusCode));
  }

  /** The key's hash once the key gate passed it; throws the refusal. */
  private checkKey(route: DataRoute, call: IncomingCall): string | Promise<string> {
    if (route.op === 'reject') throw route.error;
    // A peer region's forward names the key by its hash, believed only with the link's secret.
    const hop = verifiedHop(call.headers, this.options.spill?.peers ?? []);
    if (hop) {
      call.hop = hop;
      if (hop.clientIp) call.clientIp = hop.clientIp;
    }
    const keyHash = hop ? hop.keyHash : hashKey(this.credential(route.dialect, call));
    const verdict = this.gate.check({ keyHash, requestId: call.requestId, clientIp: call.clientIp, dialect: route.dialect.id });
    if (verdict === undefined) return this.passedGate(call, keyHash);
    if (!(verdict instanceof Promise)) throw refusedAtGate(call, verdict);
    return verdict.then(
      (v) => {
        if (v) throw refusedAtGate(call, v);
        return this.passedGate(call, keyHash);
      },
      // The gate does not reject; should it, the full admission still decides.
      () => keyHash,
    );
  }

  /** Notes whose key passed the gate (for the audit of a later refusal) and hands its hash on. */
  private passedGate(call: IncomingCall, keyHash: string): string {
    call.keyOwner = this.gate.ownerOf(keyHash);
    return keyHash;
  }

  /** Serves one data-path request of any dialect and operation, its body read and its key (`keyHash`) through the gate. */
  serve(route: DataRoute, call: IncomingCall, res: ServerResponse, keyHash: string): Promise<void> {
    switch (route.op) {
      case 'chat':
        return this.admitAndRun(this.chat, route.dialect, route.path, call, res, keyHash);
      case 'count':
        return this.admitAndRun(this.count, route.dialect, route.path, call, res, keyHash);
      case 'embed':
        return this.admitAndRun(this.embed, route.dialect, route.path, call, res, keyHash);
      case 'responses':
        return this.admitAndRun(this.responses, route.dialect, route.path, call, res, keyHash);
      case 'media':
        return this.admitAndRun(this.media, route.dialect, route.path, call, res, keyHash);
      case 'reject':
        this.refuse(route, call, res, route.error);
        return Promise.resolve();
    }
  }

  /**
   * The admission skeleton every operation shares. A failure anywhere is thrown and answered
   * here, before the usage event is taken, so the event carries the status the client got.
   */
  private async admitAndRun<D extends ErrorDialect, P, Path>(op: DataOperation<D, P, Path>, dialect: D, path: Path, call: IncomingCall, res: ServerResponse, keyHash: string): Promise<void> {
    let admitted: AdmittedCall<D, P> | undefined;
    let failure: unknown;
    try {
      const parsed = op.parseCall ? op.parseCall(dialect, call, path) : op.parse(dialect, parseJson(call.body), path);
      if (op.load) await op.load(parsed);
      const request = op.irRequest(parsed);
      const admission = await this.admit(dialect, call, keyHash, request.model ?? '', res, op.size(parsed));
      request.meta = this.metaOf(call, admission.principal, dialect, request.meta);
      admitted = new AdmittedCall(dialect, call, res, parsed, admission, request.model ?? '', keyHash);
      op.authorize?.(parsed, admission.principal);
      // Before anything leaves: a block refusal is answered here, unmetered (nothing was sent).
      const pii = admission.principal.pii;
      if (pii) {
        admitted.pii = this.pii.inspect(pii, admission.principal.tenantId, (redaction) => op.redact(parsed, redaction));
        this.pii.enforce(admitted.pii);
      }
      // After the guardrails: what is kept is what left for the upstream (masked).
      const box = this.options.audit?.box;
      if (admission.principal.auditCaptureBodies && box) {
        admitted.bodies = new AuditBodyCapture({ box, maxBytes: this.options.audit?.maxBytes ?? 0 }, call.requestId);
        admitted.bodies.takeRequest(op.auditView ? op.auditView(parsed) : request);
      }
      admitted.tracker = op.meter(admitted);
      admitted.watchClose();
      await op.run(admitted);
    } catch (err) {
      failure = err;
      answerFailure(dialect, res, call.requestId, err, this.log);
    } finally {
      let event: UsageEvent | undefined;
      if (admitted) event = this.settle(admitted, failure);
      else this.auditRefusal(dialect.id, call, res, failure);
      this.options.accessLog?.write(call, res, op.operation, dialect.id, admitted, event);
      this.metrics.record(dialect.id, op.operation, call, res, admitted?.tracker ?? admitted?.served, admitted?.signal.aborted ?? false);
    }
  }

  /** Exactly one usage event for a metered request (and one per hedge that lost its race); the quota hold settled on every path. */
  private settle(admitted: AdmittedCall<unknown, unknown>, failure: unknown): UsageEvent | undefined {
    admitted.unwatchClose();
    const hold = admitted.admission.hold;
    const tracker = admitted.tracker;
    const principal = admitted.admission.principal;
    // Spilled: the peer that served it records the usage; here only the hold is released. A
    // PII block, a refusal by the router before any try (residency) and an unmetered operation
    // have an audit row only (request-audit.event.ts), as admission's refusals do.
    if (!tracker || admitted.spilled || tracker.refusedByRouter) {
      if (TRACING.on) annotateRequestSpan(undefined, principal.tenantId, principal.keyId, admitted.model);
      hold?.settle(undefined);
      if (!admitted.spilled) {
        const { call, res } = admitted;
        this.usage.publish(auditOnlyEvent({ call, clientIp: this.clientIpOf(call), dialect: (admitted.dialect as ErrorDialect).id, tenantId: principal.tenantId, keyId: principal.keyId, model: admitted.model, region: this.options.region, httpStatus: res.statusCode, failure, pii: admitted.pii, stream: tracker?.stream }));
      }
      return undefined;
    }
    const event = tracker.finish(admitted.signal.aborted, admitted.res.statusCode);
    if (TRACING.on) annotateRequestSpan(event, principal.tenantId, principal.keyId);
    const hedgeLosses = tracker.hedgeLosses();
    const facts = auditFactsOf(admitted.call, this.clientIpOf(admitted.call), admitted.pii, false, tracker.dataRegions());
    for (const lost of hedgeLosses) lost.audit = { ...facts, dataRegions: lost.deploymentRegion ? [lost.deploymentRegion] : [] };
    // Sealed after the answer went out; the hedge losers' rows point at this one's bodies by id.
    event.audit = admitted.bodies ? { ...facts, ...admitted.bodies.seal() } : facts;
    this.usage.publish(event);
    for (const lost of hedgeLosses) this.usage.publish(lost);
    hold?.settle(event, hedgeLosses);
    return event;
  }

  /**
   * Runs `work` for a request outside the data path (the model lists) and answers whatever it
   * throws in `dialect`, as the data path does.
   */
  async answer(dialect: ErrorDialect, call: IncomingCall, res: ServerResponse, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      answerFailure(dialect, res, call.requestId, err, this.log);
    }
    this.options.accessLog?.write(call, res, 'models', dialect.id);
  }

  /**
   * Who asks, from where, how (the x-switchyard-cache request header), and where they may be
   * served, over what the dialect parsed into `parsed` (ours win).
   */
  private metaOf(call: IncomingCall, principal: Principal, dialect: ErrorDialect, parsed: RequestMeta | undefined): RequestMeta {
    const cache = call.headers[CACHE_HEADER];
    return {
      ...parsed,
      endUserId: parsed?.endUserId ?? '',
      requestId: call.requestId,
      clientRequestId: call.clientRequestId ?? '',
      tenantId: principal.tenantId,
      keyId: principal.keyId,
      region: this.options.region,
      dialect: dialect.id,
      cacheMode: typeof cache === 'string' ? cache.trim().toLowerCase() : '',
      allowedRegions: principal.allowedRegions,
    };
  }

  /** The key the client presented; throws 401 (worded for `dialect`'s clients) when there is none. */
  credential(dialect: ErrorDialect, call: IncomingCall): string {
    const key = credentialOf(call.headers, call.query);
    if (!key) throw IrError.fromEvent(missingKey(dialect.id));
    return key;
  }

  /**
   * One admission round trip; throws the refusal (an IrError carrying auth's answer).
   * `keyHash`: the sha256 of the key (`hashKey`), never the key. With `size` the call is counted
   * against the key's limits (every data call); without it (model lists) only the key is
   * checked. Rate-limit headers go on whatever answer follows, a refusal included.
   */
  async admit(dialect: ErrorDialect, call: IncomingCall, keyHash: string, model: string, res: ServerResponse, size?: RequestSize): Promise<Admission> {
    const ask = {
      keyHash,
      model,
      requestId: call.requestId,
      clientIp: this.clientIpOf(call),
      dialect: dialect.id,
      counted: size !== undefined,
      // A peer's forward: its rates were counted in the region it came to first, its cost is
      // counted here, where it is served and recorded (docs/architecture.md §6, Regions).
      ...(call.hop && { budgetOnly: true }),
      inputTokensEstimate: size?.inputEstimate ?? 0,
      inputTokensBound: size?.inputBound ?? 0,
      maxOutputTokens: size?.maxOutput ?? 0,
    };
    const admission = await (TRACING.on ? tracedAdmission(() => this.auth.admit(ask)) : this.auth.admit(ask));
    setRateLimitHeaders(res, dialect.id, admission.rate);
    if (admission.principal?.corsOrigins.length) allowTenantOrigin(res, call.headers.origin, admission.principal.corsOrigins);
    if (admission.admitted && admission.principal) {
      if (call.hop) this.checkHopRegion(admission.principal);
      return { principal: admission.principal, hold: admission.ticket && new QuotaHold(this.auth, admission.ticket), maxOutputTokens: admission.maxOutputTokens };
    }
    if (admission.principal) {
      call.refusedAs = { tenantId: admission.principal.tenantId, keyId: admission.principal.keyId, model };
      if (TRACING.on) annotateRequestSpan(undefined, admission.principal.tenantId, admission.principal.keyId, model);
    }
    throw IrError.fromEvent(admission.error ?? NOT_ADMITTED);
  }

  /** The client's address as admission sees it: the socket's, or a trusted proxy's X-Forwarded-For hop. */
  private clientIpOf(call: IncomingCall): string {
    return this.options.clientAddress ? this.options.clientAddress(call.clientIp, call.headers) : call.clientIp;
  }

  /** Residency holds on the peer too: a forwarded request is served here only if its regions include this one. */
  private checkHopRegion(principal: Principal): void {
    const regions = principal.allowedRegions;
    if (regions.length && !regions.includes(this.options.region)) {
      throw IrError.fromEvent({ ...NOT_ADMITTED, kind: ErrorKind.ERROR_KIND_PERMISSION, message: `This key may only be served in the regions ${regions.join(', ')}, not in ${this.options.region}.` });
    }
  }
}

/** The gate's 401 as a throwable; a known key's refusal names its tenant and key, for the audit. */
function refusedAtGate(call: IncomingCall, verdict: KeyGateRefusal): IrError {
  if (verdict.who) call.refusedAs = { ...verdict.who, model: '' };
  return IrError.fromEvent(verdict);
}

