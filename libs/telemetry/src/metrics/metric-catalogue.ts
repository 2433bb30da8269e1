/**
 * Every Prometheus series Switchyard exposes, declared once (STYLE.md rule 4): the services
 * register from here, the Grafana dashboards and alert rules in deploy/ are generated from or
 * checked against it, and docs/metrics.md lists it. Label values come only from configured
 * names and closed sets (dialects, operations, error kinds, refusal reasons, status classes):
 * never a request id, a key secret or free text, so a series count stays bounded by the
 * configuration, not by traffic.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  /** Which processes expose it. */
  readonly from: readonly ('ingress' | 'auth' | 'router' | 'adapter' | 'billing')[];
}

/** Seconds; request latencies from a millisecond of overhead to a long generation. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** Seconds; time spent inside Switchyard, where a millisecond matters. */
export const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0015, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];

export const METRICS = {
  requestDuration: {
    name: 'switchyard_request_duration_seconds',
    type: 'histogram',
    help: 'Client requests from the first byte in to the last byte out, by dialect, operation, public model, provider that served it and HTTP status class.',
    labels: ['dialect', 'operation', 'model', 'provider', 'status_class'],
    from: ['ingress'],
  },
  timeToFirstToken: {
    name: 'switchyard_time_to_first_token_seconds',
    type: 'histogram',
    help: 'Streaming requests: from the request in to the first content event out.',
    labels: ['dialect', 'model', 'provider'],
    from: ['ingress'],
  },
  gatewayOverhead: {
    name: 'switchyard_gateway_overhead_seconds',
    type: 'histogram',
    help: 'Time a request spent inside Switchyard, the upstream calls excluded (request duration minus upstream time).',
    labels: ['dialect', 'operation', 'model', 'provider', 'status_class'],
    from: ['ingress'],
  },
  tokens: {
    name: 'switchyard_tokens_total',
    type: 'counter',
    help: 'Tokens recorded in the ledger, by tenant, public model and direction (input, output).',
    labels: ['tenant', 'model', 'direction'],
    from: ['billing'],
  },
  cost: {
    name: 'switchyard_cost_usd_total',
    type: 'counter',
    help: 'Cost recorded in the ledger, US dollars, by tenant and public model.',
    labels: ['tenant', 'model'],
    from: ['billing'],
  },
  usageRecords: {
    name: 'switchyard_usage_records_total',
    type: 'counter',
    help: 'Usage events billing handled: recorded, duplicate (already in the ledger) or rejected (set aside in usage_rejects).',
    labels: ['result'],
    from: ['billing'],
  },
  cacheLookups: {
    name: 'switchyard_cache_lookups_total',
    type: 'counter',
    help: 'Response cache lookups by public model and result (hit, miss).',
    labels: ['model', 'result'],
    from: ['router'],
  },
  attempts: {
    name: 'switchyard_upstream_attempts_total',
    type: 'counter',
    help: 'Calls to upstream deployments by provider, deployment, kind (first, retry, fallback, hedge) and outcome (ok or the error kind).',
    labels: ['provider', 'deployment', 'kind', 'outcome'],
    from: ['router'],
  },
  upstreamDuration: {
    name: 'switchyard_upstream_duration_seconds',
    type: 'histogram',
    help: 'One upstream call from the request sent to the last byte read, by provider and deployment.',
    labels: ['provider', 'deployment'],
    from: ['adapter'],
  },
  limitRefusals: {
    name: 'switchyard_limit_refusals_total',
    type: 'counter',
    help: 'Requests refused by a limit, by tenant and reason (rpm, tpm, concurrency, daily_budget, monthly_budget, balance: the credit of a prepaid tenant cannot cover the request).',
    labels: ['tenant', 'reason'],
    from: ['auth'],
  },
  piiFindings: {
    name: 'switchyard_pii_findings_total',
    type: 'counter',
    help: 'Requests in which the PII guardrails found a category, by tenant, category (a built-in one, or custom for an operator pattern) and action (mask, block, detect).',
    labels: ['tenant', 'category', 'action'],
    from: ['ingress'],
  },
  budgetUsed: {
    name: 'switchyard_budget_used_usd',
    type: 'gauge',
    help: 'Spend counted against a tenant budget in its current period, US dollars.',
    labels: ['tenant', 'period'],
    from: ['auth'],
  },
  budgetLimit: {
    name: 'switchyard_budget_limit_usd',
    type: 'gauge',
    help: 'A tenant budget for the period, US dollars (absent when unlimited).',
    labels: ['tenant', 'period'],
    from: ['auth'],
  },
  counterFixes: {
    name: 'switchyard_counter_fixes_total',
    type: 'counter',
    help: 'Live counters the reconciliation found off the ledger and corrected, by counter (balance, daily_budget, monthly_budget).',
    labels: ['counter'],
    from: ['auth'],
  },
  usageQueueDepth: {
    name: 'switchyard_usage_queue_depth',
    type: 'gauge',
    help: 'Usage events waiting to be recorded (waiting, delayed and active jobs).',
    labels: [],
    from: ['billing'],
  },
  usageQueueOldestAge: {
    name: 'switchyard_usage_queue_oldest_age_seconds',
    type: 'gauge',
    help: 'Age of the oldest usage event still waiting; 0 when the queue is empty.',
    labels: [],
    from: ['billing'],
  },
  grpcServerDuration: {
    name: 'switchyard_grpc_server_duration_seconds',
    type: 'histogram',
    help: 'gRPC calls served, by service, method and status code name.',
    labels: ['service', 'method', 'code'],
    from: ['auth', 'router', 'adapter', 'billing'],
  },
  grpcClientDuration: {
    name: 'switchyard_grpc_client_duration_seconds',
    type: 'histogram',
    help: 'gRPC calls made, by service, method and status code name.',
    labels: ['service', 'method', 'code'],
    from: ['ingress', 'router', 'auth'],
  },
} as const satisfies Record<string, MetricSpec>;

/**
 * Series that exist before this catalogue and keep their names (the router's health state,
 * scraped from the ingress): switchyard_deployment_circuit_state, switchyard_deployment_cooling_down,
 * switchyard_deployment_ejected, switchyard_deployment_in_flight, switchyard_deployment_ttft_ewma_ms,
 * switchyard_deployment_window_failures, switchyard_retry_budget_available,
 * switchyard_retries_refused_total. Node's process metrics come from prom-client's defaults
 * (process_*, nodejs_*).
 */
export type MetricKey = keyof typeof METRICS;
