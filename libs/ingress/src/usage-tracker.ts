import { Attempt, ChatRequest, Dialect, ErrorKind, ResponseEvent, UsageEvent, estimatePromptTokens, tokensOfChars } from '@switchyard/ir';
import { performance } from 'node:perf_hooks';

// Text the upstream never counted (a client that hung up before the usage event arrived, a
// stream cut after some output) is estimated from its characters. Billing prefers the
// provider's count.

const NO_EVENTS: readonly UsageEvent[] = Object.freeze([]);

function lostHedge(attempt: Attempt): boolean {
  return attempt.outcome === 'hedge_lost';
}

/** Watches one request's events and produces its single usage event at the end. */
export class UsageTracker {
  private readonly started = Date.now();
  private firstTokenAt = 0;
  private outputChars = 0;
  private readonly event: UsageEvent;
  private log: Attempt[] | undefined;
  // For the request metrics (request-metrics.ts): what the answer says of its route.
  /** The router took the model (an answer began, or tries were made): the model is a configured one. */
  routed = false;
  /** Who served it, or tried last. */
  provider = '';
  /** Upstream seconds the answer carried (usage or error), undefined when not measured. */
  upstreamSeconds: number | undefined;
  /** performance.now() at the first content event; 0 before. */
  firstTokenClock = 0;
  /**
   * The router turned the request away before any try: a permission it refused itself (the key's
   * regions hold no deployment of the model chain, `regionRefusal`), not an upstream's 403, which
   * comes after a try. Recorded like admission's refusals: an audit row (outcome `refused`), no
   * ledger row (docs/architecture.md, "Request audit and residency").
   */
  refusedByRouter = false;

  constructor(private readonly chat: ChatRequest, dialect: Dialect, region: string) {
    const meta = chat.meta ?? { requestId: '', tenantId: '', keyId: '', endUserId: '', region: '', dialect: Dialect.DIALECT_UNSPECIFIED, cacheMode: '', allowedRegions: [], clientRequestId: '' };
    this.event = {
      requestId: meta.requestId,
      clientRequestId: meta.clientRequestId,
      tenantId: meta.tenantId,
      keyId: meta.keyId,
      model: chat.model,
      dialect,
      stream: chat.stream,
      region,
      startedAt: this.started,
      status: 'ok',
      providerId: '',
      deploymentId: '',
      upstreamModel: '',
      httpStatus: 0,
      errorKind: ErrorKind.ERROR_KIND_UNSPECIFIED,
      latencyMs: 0,
      ttftMs: 0,
      finishedAt: 0,
      cacheHit: false,
      attempts: 0,
    };
  }

  observe(ev: ResponseEvent): void {
    const e = ev.event;
    if (!e) return;
    switch (e.$case) {
      case 'start':
        this.event.providerId = e.value.providerId;
        this.event.deploymentId = e.value.deploymentId;
        this.event.upstreamModel = e.value.upstreamModel;
        this.event.cacheHit = e.value.cacheHit;
        this.event.attempts = e.value.attempts;
        if (e.value.deploymentRegion) this.event.deploymentRegion = e.value.deploymentRegion;
        this.log = e.value.attemptLog;
        this.routed = true;
        this.provider = e.value.providerId;
        return;
      case 'textDelta':
      case 'reasoningDelta':
        this.first();
        this.outputChars += e.value.text?.length ?? 0;
        return;
      case 'toolCallDelta':
        this.first();
        this.outputChars += (e.value.argumentsDelta?.length ?? 0) + (e.value.name?.length ?? 0);
        return;
      case 'usage':
        this.event.usage = e.value;
        this.upstreamSeconds = e.value.upstreamSeconds ?? this.upstreamSeconds;
        return;
      case 'error':
        this.event.status = 'error';
        this.event.errorKind = e.value.kind;
        this.refusedByRouter = !this.routed && e.value.kind === ErrorKind.ERROR_KIND_PERMISSION && !e.value.attemptLog?.some((a) => a.deploymentId);
        this.upstreamSeconds = e.value.upstreamSeconds ?? this.upstreamSeconds;
        if (e.value.attemptLog?.length) {
          this.log = e.value.attemptLog;
          this.event.attempts = e.value.attemptLog.filter((a) => a.deploymentId).length;
          this.routed ||= this.event.attempts > 0;
          const last = e.value.attemptLog.findLast((a) => a.deploymentId);
          this.provider ||= last?.providerId ?? '';
          if (last?.region && !this.event.deploymentRegion) this.event.deploymentRegion = last.region;
        }
        return;
      case 'stop':
        // Only the last stop of an answer whose upstream reported no usage carries it.
        if (e.value.upstreamSeconds !== undefined) this.upstreamSeconds = e.value.upstreamSeconds;
        return;
    }
  }

  finish(aborted: boolean, httpStatus: number): UsageEvent {
    const now = Date.now();
    if (aborted) {
      this.event.status = 'aborted';
      this.event.errorKind = ErrorKind.ERROR_KIND_CANCELLED;
    }
    if (!this.event.usage) {
      // A failure before any output (the upstream refused, was unreachable, timed out before its
      // first byte) consumed nothing upstream, which bills no failed call: nothing is charged.
      const nothingServed = this.event.status === 'error' && this.outputChars === 0;
      this.event.usage = {
        inputTokens: nothingServed ? 0 : estimatePromptTokens(this.chat),
        outputTokens: tokensOfChars(this.outputChars),
        cachedInputTokens: 0,
        reasoningTokens: 0,
        cacheCreationInputTokens: 0,
      };
    }
    this.event.httpStatus = aborted ? 499 : httpStatus;
    this.event.latencyMs = now - this.started;
    this.event.ttftMs = this.firstTokenAt ? this.firstTokenAt - this.started : 0;
    this.event.finishedAt = now;
    return this.event;
  }

  /**
   * One usage event per hedge attempt that lost its race: the upstream did read its prompt, so
   * it is metered (input estimated, no output), under its own request id, derived from ours
   * (never from the caller's), with the caller's correlation id kept.
   */
  hedgeLosses(): readonly UsageEvent[] {
    // Every metered request asks; almost none raced a hedge, and those allocate nothing here.
    if (!this.log?.some(lostHedge)) return NO_EVENTS;
    const lost = this.log.filter(lostHedge);
    const inputTokens = estimatePromptTokens(this.chat);
    return lost.map((a, i) => ({
      ...this.event,
      requestId: `${this.event.requestId}~hedge${i + 1}`,
      providerId: a.providerId,
      deploymentId: a.deploymentId,
      deploymentRegion: a.region,
      upstreamModel: '',
      status: 'aborted',
      errorKind: ErrorKind.ERROR_KIND_CANCELLED,
      httpStatus: 499,
      cacheHit: false,
      attempts: 1,
      usage: { inputTokens, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, cacheCreationInputTokens: 0 },
      latencyMs: a.durationMs,
      ttftMs: 0,
    }));
  }

  /**
   * Every region the request's data was sent to: each try's deployment region, hedges and failed
   * tries included (the request audit's `dataRegions`; docs/architecture.md, "Request audit and
   * residency"). A cache hit sent it nowhere.
   */
  dataRegions(): string[] {
    if (this.event.cacheHit) return [];
    const regions = new Set<string>();
    for (const a of this.log ?? []) if (a.deploymentId && a.region) regions.add(a.region);
    if (this.event.deploymentRegion) regions.add(this.event.deploymentRegion);
    return [...regions];
  }

  /** The public model the client asked for. */
  get model(): string {
    return this.chat.model ?? '';
  }

  get stream(): boolean {
    return this.chat.stream ?? false;
  }

  get cacheHit(): boolean {
    return this.event.cacheHit ?? false;
  }

  private first(): void {
    if (!this.firstTokenAt) {
      this.firstTokenAt = Date.now();
      this.firstTokenClock = performance.now();
    }
  }
}
