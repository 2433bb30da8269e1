import OpenAI from 'openai';

// Steady load through the openai SDK, retries off: a few clients each sending one request after
// another (every third one streamed), bounded in count and in time, every outcome recorded with
// the gateway's request id so the ledger can be checked request by request.

export interface LoadOutcome {
  /** 1-based sequence number; the prompt carries it as `[tag-n]`. */
  readonly n: number;
  readonly stream: boolean;
  /** performance.now() when the request was sent and when its outcome was known. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly ok: boolean;
  /** The gateway's x-request-id (the ledger key), when an answer or an error response carried it. */
  readonly requestId: string | undefined;
  readonly status: number | undefined;
  readonly error: string | undefined;
}

export interface SteadyLoadOptions {
  readonly tag: string;
  readonly model: string;
  readonly concurrency?: number;
  /** The load stops by itself after this many requests… */
  readonly maxRequests?: number;
  /** …or after this long, whichever comes first. */
  readonly maxMs?: number;
}

export class SteadyLoad {
  readonly outcomes: LoadOutcome[] = [];
  private sent = 0;
  private stopping = false;
  private workers: Promise<void>[] = [];
  private readonly deadline: number;

  constructor(
    private readonly client: OpenAI,
    private readonly options: SteadyLoadOptions,
  ) {
    this.deadline = performance.now() + (options.maxMs ?? 120_000);
  }

  start(): this {
    this.workers = Array.from({ length: this.options.concurrency ?? 6 }, () => this.worker());
    return this;
  }

  /** Marker in the prompt of request `n`, as the upstream receives it. */
  marker(n: number): string {
    return `[${this.options.tag}-${n}]`;
  }

  get answered(): number {
    return this.outcomes.filter((o) => o.ok).length;
  }

  /** Waits until `count` more requests have been answered than now (bounded; fails naming what it saw). */
  async answeredMore(count: number, timeoutMs = 30_000): Promise<void> {
    const target = this.answered + count;
    const deadline = performance.now() + timeoutMs;
    while (this.answered < target) {
      if (performance.now() > deadline || this.stopping) throw new Error(`${this.options.tag}: ${this.answered}/${target} answered in ${timeoutMs} ms; ${this.summary()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits until the last `count` outcomes are all answers (bounded): failures have stopped. */
  async okInARow(count: number, timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.outcomes.length < count || this.outcomes.slice(-count).some((o) => !o.ok)) {
      if (performance.now() > deadline || this.stopping) throw new Error(`${this.options.tag}: not ${count} answers in a row in ${timeoutMs} ms; ${this.summary()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Requests that started before `at` and had not ended by `from` (in flight across that interval). */
  inFlightBetween(from: number, at: number): LoadOutcome[] {
    return this.outcomes.filter((o) => o.startedAt < at && o.endedAt > from);
  }

  get failures(): LoadOutcome[] {
    return this.outcomes.filter((o) => !o.ok);
  }

  async stop(): Promise<LoadOutcome[]> {
    this.stopping = true;
    await Promise.all(this.workers);
    return this.outcomes;
  }

  summary(): string {
    const failed = this.failures;
    const kinds = [...new Set(failed.map((f) => `${f.status ?? '-'} ${f.error ?? ''}`.slice(0, 160)))];
    return `sent ${this.outcomes.length}, answered ${this.answered}, failed ${failed.length}${kinds.length ? ` (${kinds.join(' | ')})` : ''}`;
  }

  private async worker(): Promise<void> {
    while (!this.stopping && this.sent < (this.options.maxRequests ?? 5000) && performance.now() < this.deadline) {
      const n = ++this.sent;
      const outcome = await this.one(n, n % 3 === 0);
      this.outcomes.push(outcome);
      // A refusal comes back at once: without a pause a client would spin through its whole budget.
      if (!outcome.ok) await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async one(n: number, stream: boolean): Promise<LoadOutcome> {
    const startedAt = performance.now();
    const messages = [{ role: 'user' as const, content: `steady load ${this.marker(n)}` }];
    let requestId: string | undefined;
    try {
      if (stream) {
        const { data, response } = await this.client.chat.completions.create({ model: this.options.model, messages, stream: true }).withResponse();
        requestId = response.headers.get('x-request-id') ?? undefined;
        let text = '';
        for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
        if (text === '') throw new Error('empty stream');
      } else {
        const { data, response } = await this.client.chat.completions.create({ model: this.options.model, messages }).withResponse();
        requestId = response.headers.get('x-request-id') ?? undefined;
        if (!data.choices[0]?.message.content) throw new Error('empty answer');
      }
      return { n, stream, startedAt, endedAt: performance.now(), ok: true, requestId, status: 200, error: undefined };
    } catch (err) {
      const api = err instanceof OpenAI.APIError ? err : undefined;
      return {
        n,
        stream,
        startedAt,
        endedAt: performance.now(),
        ok: false,
        requestId: requestId ?? api?.headers?.get('x-request-id') ?? undefined,
        status: api?.status,
        error: err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err),
      };
    }
  }
}
