import { AdapterPort, ChatRequest, CountTokensResponse, EmbedGenerateRequest, EmbedResponse, ErrorEvent, ErrorKind, FinishReason, GenerateRequest, ResponseEvent, Role } from '@switchyard/ir';
import { MemoryResponseCache } from '@switchyard/cache';
import { DEFAULT_ROUTING, type RoutingConfig } from '@switchyard/config';
import { CatalogueSnapshot, CatalogueSource, DeploymentEntry, ModelEntry, ProviderEntry } from './catalogue.types';
import { RouterService } from './router.service';

// What the RouterService specs share: a catalogue, an adapter that answers from a script, and
// the events and requests they are written with.

export const OPENAI_EU: ProviderEntry = {
  id: 'openai-eu',
  type: 'openai',
  baseUrl: 'https://api.openai.com/v1',
  apiKeys: ['env:OPENAI_KEY_1', 'env:OPENAI_KEY_2'],
  region: 'eu',
  optionsJson: '{"organization":"org-5tQ"}',
  passthroughJson: '{"allow":["service_tier"]}',
};
export const VLLM: ProviderEntry = { id: 'vllm-gpu', type: 'openai-compatible', baseUrl: 'http://vllm:8000/v1', apiKeys: [], region: 'eu', optionsJson: '{}' };
// A provider type no adapter of the harness serves (it has only the openai family's).
export const COHERE: ProviderEntry = { id: 'cohere', type: 'gemini', baseUrl: 'https://api.cohere.com/v2', apiKeys: ['env:COHERE_KEY'], region: 'us', optionsJson: '{}' };

export function deployment(id: string, provider: ProviderEntry, weight: number, priority = 0): DeploymentEntry {
  return { id, provider, upstreamModel: provider === VLLM ? 'Qwen/Qwen3-32B' : 'gpt-4o-2024-08-06', weight, priority };
}

// With Math.random at 0 the picker takes the first untried deployment of the best tier.
export const MODELS: ModelEntry[] = [
  { name: 'gpt-4o', fallbacks: [], tiers: [[deployment('gpt-4o@openai', OPENAI_EU, 1), deployment('gpt-4o@vllm', VLLM, 3)]], created: 1715367049 },
  { name: 'tiered', fallbacks: [], tiers: [[deployment('primary', OPENAI_EU, 1)], [deployment('backup', VLLM, 1, 1)]], created: 1715367050 },
  { name: 'exotic', fallbacks: [], tiers: [[deployment('exotic@cohere', COHERE, 1)]], created: 1715367051 },
  { name: 'empty', fallbacks: [], tiers: [], created: 1715367052 },
];

export class InMemoryCatalogue implements CatalogueSource {
  constructor(private readonly models: ModelEntry[] = MODELS) {}

  async load(): Promise<CatalogueSnapshot> {
    return { models: new Map(this.models.map((m) => [m.name, m])) };
  }
}

/** A turn that answers only after `ms`, or never if aborted first (a slow first byte). */
export type SlowTurn = { delayMs: number; events: ResponseEvent[] };

/** Error events lose their attempt log (left empty), start events theirs, so older expectations stay readable. */
export function strip(events: ResponseEvent[]): ResponseEvent[] {
  return events.map((e) => {
    if (e.event?.$case === 'error') {
      return { event: { $case: 'error', value: { ...e.event.value, attemptLog: [] } } };
    }
    if (e.event?.$case === 'start') {
      return { event: { $case: 'start', value: { ...e.event.value, attemptLog: [] } } };
    }
    return e;
  });
}

/** Answers each generate() with the next scripted turn and records what it was asked. */
/** The upstream time a scripted unary call that succeeds reports. */
export const UNARY_UPSTREAM_SECONDS = 0.5;

export class ScriptedAdapter implements AdapterPort {
  readonly calls: GenerateRequest[] = [];
  readonly aborted: string[] = [];
  constructor(private readonly turns: (ResponseEvent[] | SlowTurn)[]) {}

  async *generate(request: GenerateRequest, signal?: AbortSignal): AsyncIterable<ResponseEvent> {
    this.calls.push(request);
    const turn = this.turns[this.calls.length - 1] ?? [];
    if (!Array.isArray(turn)) {
      const ok = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(true), turn.delayMs);
        signal?.addEventListener('abort', () => {
          clearTimeout(t);
          resolve(false);
        });
      });
      if (!ok) {
        this.aborted.push(request.target?.deploymentId ?? '');
        return;
      }
      for (const e of structuredClone(turn.events)) yield e;
      return;
    }
    for (const e of structuredClone(turn)) yield e;
  }

  /** Unary calls answer with the scripted turn's error, or succeed when it has none. */
  async embed(request: EmbedGenerateRequest): Promise<EmbedResponse> {
    const error = this.unaryError({ target: request.target });
    return error ? { error, embeddings: [], usageEstimated: false } : { embeddings: [{ index: 0, values: [0.25] }], usageEstimated: false, upstreamSeconds: UNARY_UPSTREAM_SECONDS };
  }

  async countTokens(request: GenerateRequest): Promise<CountTokensResponse> {
    const error = this.unaryError(request);
    return error ? { error, inputTokens: 0, estimated: false } : { inputTokens: 7, estimated: false, upstreamSeconds: UNARY_UPSTREAM_SECONDS };
  }

  private unaryError(request: GenerateRequest): ErrorEvent | undefined {
    this.calls.push(request);
    const turn = this.turns[this.calls.length - 1] ?? [];
    const ev = (Array.isArray(turn) ? turn : turn.events).find((e) => e.event?.$case === 'error');
    return ev?.event?.$case === 'error' ? ev.event.value : undefined;
  }

  get deployments(): (string | undefined)[] {
    return this.calls.map((c) => c.target?.deploymentId);
  }
}

export const started: ResponseEvent = { event: { $case: 'start', value: { id: 'chatcmpl-C3kX', model: 'upstream-echo', providerId: '', deploymentId: '', upstreamModel: '', attempts: 0, droppedParams: [], cacheHit: false, attemptLog: [] } } };
export const hello: ResponseEvent = { event: { $case: 'textDelta', value: { text: 'Hello', choice: 0, logprobsJson: '', signature: '' } } };
export const stopped: ResponseEvent = { event: { $case: 'stop', value: { reason: FinishReason.FINISH_REASON_STOP, rawReason: 'stop', choice: 0, stopSequence: '' } } };

export function failure(retryable: boolean, retryAfterMs = 0): ResponseEvent {
  const value: ErrorEvent = retryable
    ? { kind: ErrorKind.ERROR_KIND_RATE_LIMITED, providerStatus: 429, message: 'upstream returned 429', retryable, retryAfterMs, param: '', attemptLog: [] }
    : { kind: ErrorKind.ERROR_KIND_INVALID_REQUEST, providerStatus: 400, message: 'upstream returned 400', retryable, retryAfterMs, param: '', attemptLog: [] };
  return { event: { $case: 'error', value } };
}
export const rateLimited = failure(true);

export function overloaded(message = 'upstream returned 503'): ResponseEvent {
  return { event: { $case: 'error', value: { kind: ErrorKind.ERROR_KIND_OVERLOADED, providerStatus: 503, message, retryable: true, retryAfterMs: 0, param: '', attemptLog: [] } } };
}

export function request(model: string): ChatRequest {
  return { model, messages: [{ role: Role.ROLE_USER, content: [{ part: { $case: 'text', value: { text: 'Hi', signature: '' } }, cacheControlJson: '' }], name: '' }], stream: true, system: [], tools: [], includeUsage: false, droppedParams: [] };
}

export async function collect(events: AsyncIterable<ResponseEvent>): Promise<ResponseEvent[]> {
  const out: ResponseEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

/** A router over `models` whose one adapter (the openai family) answers with `turns`, catalogue loaded. */
export async function scriptedRouter(
  turns: (ResponseEvent[] | SlowTurn)[],
  models: ModelEntry[] = MODELS,
  config: Partial<RoutingConfig> = {},
  cache?: MemoryResponseCache,
): Promise<{ sut: RouterService; adapter: ScriptedAdapter }> {
  const adapter = new ScriptedAdapter(turns);
  const sut = new RouterService(new InMemoryCatalogue(models), new Map([['openai', adapter]]), { ...DEFAULT_ROUTING, ...config }, cache);
  await sut.reload();
  return { sut, adapter };
}

/**
 * For the router specs: `Math.random` at 0 in every test (the first deployment of a weighted or
 * shuffled pick; a test may set another value), real timers and no mocks left after each.
 */
export function pinRandomEachTest(): void {
  beforeEach(() => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });
}
