import type { AdmitRequest, AdmitResponse, DescribeKeyRequest, DescribeKeyResponse, HeartbeatRequest, SettleRequest } from './generated/switchyard/auth/v1/auth';
import type { EmbedGenerateRequest, GenerateRequest, MediaGenerateRequest } from './generated/switchyard/adapter/v1/adapter';
import type { GetUsageRequest, GetUsageResponse, UsageEvent } from './generated/switchyard/billing/v1/billing';
import type { ChatRequest, CountTokensResponse, EmbedRequest, EmbedResponse, MediaRequest, MediaResponse, ResponseEvent } from './generated/switchyard/ir/v1/ir';
import type { HealthStateResponse, ListModelsResponse } from './generated/switchyard/router/v1/router';

// The service boundaries of docs/architecture.md §1 as TypeScript interfaces. Standalone mode
// binds them to in-process implementations, cluster mode to gRPC clients; callers cannot tell
// which.

export interface AuthPort {
  admit(request: AdmitRequest): Promise<AdmitResponse>;
  /** Ends an admission that returned a ticket: real usage replaces the reservation, the slot is freed. */
  settle(request: SettleRequest): Promise<void>;
  /** Renews the concurrency lease of a long request. */
  heartbeat(request: HeartbeatRequest): Promise<void>;
  /** GET /v1/me: the key, its tenant, limits and what they have counted; refused like admit. */
  describeKey?(request: DescribeKeyRequest): Promise<DescribeKeyResponse>;
  /** The browser origins any tenant allows (CORS preflights carry no key). */
  corsOrigins?(): Promise<string[]>;
}

export interface RouterPort {
  /** Streams the response events; aborting `signal` cancels the upstream call. Never throws: failures arrive as `error` events. */
  route(request: ChatRequest, signal: AbortSignal): AsyncIterable<ResponseEvent>;
  listModels(): Promise<ListModelsResponse>;
  /** Same deployment choice and retries as `route`; never rejects: failures come back in `error`. */
  embed(request: EmbedRequest, signal: AbortSignal): Promise<EmbedResponse>;
  /** Counts the prompt of `request` on a deployment of its model; failures come back in `error`. */
  countTokens(request: ChatRequest, signal: AbortSignal): Promise<CountTokensResponse>;
  /**
   * Images and audio (issue 17): same deployment choice and retries as `embed`; failures come
   * back in `error`. Optional so test doubles of the other calls need not grow it; every router
   * the apps bind (RouterService, the gRPC client) has it.
   */
  media?(request: MediaRequest, signal: AbortSignal): Promise<MediaResponse>;
  /** Deployment health as this router replica sees it. */
  healthState(): Promise<HealthStateResponse>;
}

export interface AdapterPort {
  /** Same contract as RouterPort.route, for one upstream deployment. */
  generate(request: GenerateRequest, signal: AbortSignal): AsyncIterable<ResponseEvent>;
  /** Never rejects: failures come back in `error`. */
  embed(request: EmbedGenerateRequest, signal: AbortSignal): Promise<EmbedResponse>;
  countTokens(request: GenerateRequest, signal: AbortSignal): Promise<CountTokensResponse>;
  /** Images and audio (OpenAI family); never rejects. Optional as RouterPort.media. */
  media?(request: MediaGenerateRequest, signal: AbortSignal): Promise<MediaResponse>;
}

export interface UsageSink {
  /** Hands the event to the queue without making the caller wait; delivery is the sink's job. */
  publish(event: UsageEvent): void;
}

export interface BillingPort {
  getUsage(request: GetUsageRequest): Promise<GetUsageResponse>;
}

/** Adapters by provider family ("openai" also serves azure-openai and openai-compatible). */
export type AdapterPorts = ReadonlyMap<string, AdapterPort>;

export const AUTH_PORT = Symbol('AuthPort');
export const ROUTER_PORT = Symbol('RouterPort');
export const USAGE_SINK = Symbol('UsageSink');
export const BILLING_PORT = Symbol('BillingPort');

/**
 * One stored answer of the Responses API (`store: true`, issue 17): what GET /v1/responses/{id}
 * returns, the input items GET …/input_items lists, and the conversation a later request's
 * `previous_response_id` continues. JSON values are the client-facing shapes, stored verbatim.
 */
export interface StoredResponse {
  /** `resp_…`, minted by the ingress from its request id. */
  id: string;
  tenantId: string;
  keyId: string;
  /** The public model asked for. */
  model: string;
  /** The Response object as answered. */
  response: Record<string, unknown>;
  /** This request's own input items, with their ids, in order. */
  inputItems: Record<string, unknown>[];
  /** The items of the conversation before this request's input (earlier turns' inputs and outputs). */
  history: Record<string, unknown>[];
}

/**
 * Where stored responses live (Postgres or PGlite, `responses` table). Standalone binds the
 * database in process; the cluster ingress binds it when it has DATABASE_URL.
 */
export interface ResponseStorePort {
  save(response: StoredResponse): Promise<void>;
  /**
   * The response with this id, unless deleted or expired, whoever it belongs to: the caller
   * compares `tenantId` (a `previous_response_id` is looked up before admission names the
   * tenant, so that the stored conversation counts against the request's limits).
   */
  find(id: string): Promise<StoredResponse | undefined>;
  /** True when it existed for this tenant. */
  delete(id: string, tenantId: string): Promise<boolean>;
}
