import { ChatRequest, Dialect, ErrorKind, ResponseEvent, UsageEvent, requestTextLength } from '@switchyard/ir';

// Rough tokens-per-character for text we could not have counted by the upstream (a client
// that hung up before the usage event arrived). Billing prefers the provider's count.
const CHARS_PER_TOKEN = 4;

/** Watches one request's events and produces its single usage event at the end. */
export class UsageTracker {
  private readonly started = Date.now();
  private firstTokenAt = 0;
  private outputChars = 0;
  private readonly event: UsageEvent;

  constructor(private readonly chat: ChatRequest, dialect: Dialect, region: string) {
    const meta = chat.meta ?? {};
    this.event = {
      requestId: meta.requestId,
      tenantId: meta.tenantId,
      keyId: meta.keyId,
      model: chat.model,
      dialect,
      stream: chat.stream ?? false,
      region,
      startedAt: this.started,
      status: 'ok',
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
        return;
      case 'error':
        this.event.status = 'error';
        this.event.errorKind = e.value.kind;
        return;
      case 'stop':
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
      this.event.usage = {
        inputTokens: Math.ceil(requestTextLength(this.chat) / CHARS_PER_TOKEN),
        outputTokens: Math.ceil(this.outputChars / CHARS_PER_TOKEN),
      };
    }
    this.event.httpStatus = aborted ? 499 : httpStatus;
    this.event.latencyMs = now - this.started;
    this.event.ttftMs = this.firstTokenAt ? this.firstTokenAt - this.started : 0;
    this.event.finishedAt = now;
    return this.event;
  }

  private first(): void {
    if (!this.firstTokenAt) this.firstTokenAt = Date.now();
  }
}
